; Facts of a JavaScript or JSX file; see typescript.scm.

(program (import_statement) @import)
(program (export_statement) @export)
(program (function_declaration) @def)
(program (generator_function_declaration) @def)
(program (class_declaration) @def)
(program (lexical_declaration) @def)
(program (variable_declaration) @def)
(program (expression_statement (assignment_expression left: (member_expression object: (identifier) @commonjs))))

(call_expression function: (identifier) @call.name arguments: (arguments) @call.args) @call
(call_expression function: (member_expression object: (identifier) @call.qualifier property: (property_identifier) @call.name) arguments: (arguments) @call.args) @call
(member_expression object: (identifier) @ref.qualifier property: (property_identifier) @ref.name) @ref

(formal_parameters (identifier) @local)
(assignment_pattern left: (identifier) @local)
(rest_pattern (identifier) @local)
(arrow_function parameter: (identifier) @local)
(variable_declarator name: (identifier) @local)
(catch_clause parameter: (identifier) @local)
(shorthand_property_identifier_pattern) @local
(pair_pattern value: (identifier) @local)
(array_pattern (identifier) @local)
(statement_block (function_declaration name: (identifier) @local))
(statement_block (class_declaration name: (identifier) @local))
