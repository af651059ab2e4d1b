namespace ZesRec.Data;
