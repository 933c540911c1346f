; The top-level facts of a Python file: the module, whose statements python.go reads
; (into compound statements, never into def or class bodies). Calls, global declarations
; and names bound below the module level come from a walk of the whole tree (python.go).

(module) @module
