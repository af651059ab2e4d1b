namespace ZesRec.Model;
