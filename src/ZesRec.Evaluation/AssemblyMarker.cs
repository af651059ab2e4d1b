namespace ZesRec.Evaluation;
