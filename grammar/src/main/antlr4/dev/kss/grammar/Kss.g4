// The .kss scenario language (LANGUAGE.md; docs/language.md describes what is implemented).
// The parser only recognises the shape of a script: units, names, settings and ranges are
// checked later by dev.kss.check, so that errors can say what was meant in words.
grammar Kss;

// Statements end at a newline or ';'. Each run of separators can be parsed one way only: before
// the first statement, between two, or after the last. (Written `sep? (stmt (sep stmt)*)? sep?`, a
// list with no statement in it could be split between the two `sep?` in as many ways as its run is
// long, and ANTLR's full-context prediction read to the end of the run at each of its tokens:
// 3,000 blank lines took 20 s.) The leading run is `(NL | ';')*`, not `sep?`, so that an error after
// it still lists the end of the statement among what was expected, as it did.
script : (NL | ';')* (stmt (sep stmt)* sep?)? EOF ;

sep : (NL | ';')+ ;

block : '{' (NL | ';')* (stmt (sep stmt)* sep?)? '}' ;

stmt
  : 'machine' settings                                            # machineDecl
  | 'use' (ID | STRING)                                           # useDecl
  | 'policy' name=ID '=' 'js' file=STRING ('extends' base=policyName)? settings?  # jsPolicyDecl
  | 'policy' name=ID ('extends' base=policyName)? settings?      # policyDecl
  | 'dist' name=ID '=' distSpec                                   # distDecl
  | 'let' name=ID '=' expr                                        # letDecl
  | 'seed' expr                                                   # seedDecl
  | 'default' 'policy' policyName                                 # defaultDecl
  | 'fork' thread forkOption*                                     # fork
  | op=( 'exit' | 'enter' | 'leave' | 'sleep' | 'run'
       | 'preempt_disable' | 'preempt_enable' | 'irq_disable' | 'irq_enable' ) thread  # threadEvent
  | 'depth' thread (expr | 'dist' dist=ID)                         # depth
  | 'syscall' thread ('depth' expr | 'dist' dist=ID)? block?       # syscall
  | op=('atomic' | 'noirq') thread block                           # guarded
  | 'ensure' thread expr                                           # ensure
  | 'wake' thread ('on' 'cpu' expr)?                               # wake
  | 'migrate' thread 'to' 'cpu' expr                               # migrate
  | 'publish' thread 'at' expr                                     # publish
  | 'touch' thread 'at' expr ('from' 'cpu' expr)?                  # touch
  | 'advance' expr                                                 # advance
  | 'rcu_sync'                                                     # rcuSync
  | 'replay' file=STRING ('policy' policyName)? ('depth' 'dist' dist=ID)?  # replay
  | 'parallel' '{' (NL | ';')* (cpuProgram (sep cpuProgram)* sep?)? '}'  # parallel
  | 'explore' '{' (NL | ';')* (cpuProgram (sep cpuProgram)* sep?)? '}'  # explore
  | 'repeat' expr block                                            # repeat
  | 'for' var=ID 'in' from=expr '..' to=expr block                 # for
  | 'if' expr block (NL* 'else' (block | stmt))?                   # if
  | 'expect' q=('exists' | 'never' | 'always')? expr             # expect
  | 'print' expr (',' expr)*                                       # print
  ;

// One CPU's program inside parallel { }.
cpuProgram : 'cpu' expr block ;

forkOption
  : 'from' thread                     # forkFrom
  | 'on' 'cpu' expr                   # forkCpu
  | 'as' kind=('user' | 'kernel')     # forkKind
  | 'policy' policyName               # forkPolicy
  ;

// A thread, or one of a family of threads: a, w[i + 1].
thread : ID ('[' expr ']')? ;

policyName : ID | 'default' ;

// histogram { 3 KiB: 99%, 6 KiB: 1% } | uniform(2 KiB, 8 KiB) | fixed(3 KiB)
distSpec
  : kind=ID '{' NL* bucket (',' NL* bucket)* ','? NL* '}'          # histogram
  | kind=ID '(' expr (',' expr)* ')'                               # distCall
  ;
bucket : size=expr ':' weight=expr ;

// KEY VALUE ... lines; a value is a free sequence of words, numbers (with units), strings, commas.
settings : '{' (NL | ';')* (setting (sep setting)* sep?)? '}' ;
setting
  : key=word settings                 # nestedSetting
  | key=word value*                   # plainSetting
  ;
value : '-'? NUMBER | PERCENT | STRING | ',' | word ;

// Precedence from tightest to loosest, as the alternatives are listed.
expr
  : '(' expr ')'                                    # parens
  | fn=ID '(' (expr (',' expr)*)? ')'               # call
  | NUMBER unit=ID?                                 # number
  | PERCENT                                         # percent
  | STRING                                          # string
  | path                                            # pathExpr
  | '-' expr                                        # negate
  | expr op=('*' | '/' | '%') expr                  # binary
  | expr op=('+' | '-') expr                        # binary
  | expr op=('==' | '!=' | '<' | '<=' | '>' | '>=') expr  # binary
  | 'not' expr                                      # not
  | expr op='and' expr                              # binary
  | expr op='or' expr                               # binary
  ;

// A variable, a metric (cache.hit_rate), a metric of one policy (dyn.stacks.resident), of one
// CPU (cpu[1].tlb.misses, cpu[0].now) or a value of one thread (a.depth, w[i].cpu).
path : head=(ID | 'ensure' | 'cpu') ('[' index=expr ']')? ('.' word)* ;

// Keywords are reserved for names of threads, policies and variables, but free in settings
// and after a '.' of a metric path (latency.fork.mean).
word
  : ID | 'machine' | 'use' | 'policy' | 'js' | 'extends' | 'dist' | 'let' | 'seed' | 'default'
  | 'fork' | 'from' | 'on' | 'cpu' | 'as' | 'user' | 'kernel' | 'exit' | 'enter' | 'leave'
  | 'sleep' | 'run' | 'preempt_disable' | 'preempt_enable' | 'irq_disable' | 'irq_enable'
  | 'depth' | 'syscall' | 'atomic' | 'noirq' | 'ensure' | 'wake' | 'migrate' | 'to'
  | 'publish' | 'at' | 'touch' | 'advance' | 'rcu_sync' | 'replay' | 'parallel' | 'explore'
  | 'exists' | 'never' | 'always' | 'repeat' | 'for' | 'in' | 'if'
  | 'else' | 'expect' | 'print' | 'and' | 'or' | 'not'
  ;

NUMBER : [0-9] [0-9_]* ('.' [0-9]+)? ;
PERCENT : [0-9] [0-9_]* ('.' [0-9]+)? '%' ;
ID : [a-zA-Z_] [a-zA-Z_0-9]* ;
// Escapes are checked by the AST builder, which can say which one is wrong.
STRING : '"' ('\\' ~[\r\n] | ~["\\\r\n])* '"' ;
UNTERMINATED : '"' ('\\' ~[\r\n] | ~["\\\r\n])* ;
NL : '\r'? '\n' ;
COMMENT : '#' ~[\r\n]* -> skip ;
WS : [ \t\r\f]+ -> skip ;
// Anything else reaches the parser, which reports it in words.
BAD : . ;
