; Facts of a TypeScript or TSX file. Top-level statements are captured whole and read by
; ecmascript.go; calls, member references and inner declarations are captured directly.

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

(call_expression function: (identifier) @call.name arguments: (arguments) @call.args) @call
(call_expression function: (member_expression object: (identifier) @call.qualifier property: (property_identifier) @call.name) arguments: (arguments) @call.args) @call
(member_expression object: (identifier) @ref.qualifier property: (property_identifier) @ref.name) @ref

(required_parameter pattern: (identifier) @local)
(optional_parameter pattern: (identifier) @local)
(rest_pattern (identifier) @local)
(arrow_function parameter: (identifier) @local)
(variable_declarator name: (identifier) @local)
(catch_clause parameter: (identifier) @local)
(shorthand_property_identifier_pattern) @local
(pair_pattern value: (identifier) @local)
(array_pattern (identifier) @local)
(statement_block (function_declaration name: (identifier) @local))
(statement_block (class_declaration name: (type_identifier) @local))
