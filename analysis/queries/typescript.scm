; The top-level facts of a TypeScript or TSX file: statements captured whole and read by
; ecmascript.go. Calls, member references and inner declarations come from a walk of the
; whole tree (ecmascript.go).

(program (import_statement) @import)
(program (export_statement) @export)
(program (function_declaration) @def)
(program (generator_function_declaration) @def)
(program (function_signature) @def)
(program (class_declaration) @def)
(program (abstract_class_declaration) @def)
(program (lexical_declaration) @def)
(program (variable_declaration) @def)
(program (interface_declaration) @def)
(program (type_alias_declaration) @def)
(program (enum_declaration) @def)
(program (internal_module) @def)
(program (ambient_declaration) @def)
(program (expression_statement (assignment_expression left: (member_expression object: (identifier) @commonjs))))
