; Facts of a JavaScript or JSX file; see typescript.scm.

(program (import_statement) @import)
(program (export_statement) @export)
(program (function_declaration) @def)
(program (generator_function_declaration) @def)
(program (class_declaration) @def)
(program (lexical_declaration) @def)
(program (variable_declaration) @def)
(program (expression_statement (assignment_expression left: (member_expression object: (identifier) @commonjs))))
