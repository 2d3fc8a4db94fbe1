grammar Kss;
script : EOF ;
WS : [ \t\r\n]+ -> skip ;
