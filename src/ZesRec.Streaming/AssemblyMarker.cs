namespace ZesRec.Streaming;
