; Facts of a Go file. Capture names are read by golang.go.

(package_clause (package_identifier) @package)

(import_spec name: (_)? @import.name path: (interpreted_string_literal) @import.path) @import

(source_file (function_declaration name: (identifier) @def.func parameters: (parameter_list) @def.params) @def)
(source_file (method_declaration receiver: (parameter_list) @def.receiver name: (field_identifier) @def.method) @def)
(source_file (type_declaration (type_spec name: (type_identifier) @def.type)))
(source_file (type_declaration (type_alias name: (type_identifier) @def.type)))
(source_file (var_declaration (var_spec name: (identifier) @def.var)))
(source_file (var_declaration (var_spec_list (var_spec name: (identifier) @def.var))))
(source_file (const_declaration (const_spec name: (identifier) @def.const)))

; pkg.Name, called or not.
(selector_expression operand: (identifier) @ref.qualifier field: (field_identifier) @ref.name) @ref
(call_expression function: (selector_expression operand: (identifier) @call.qualifier field: (field_identifier) @call.name) arguments: (argument_list) @call.args) @call
(call_expression function: (identifier) @call.name arguments: (argument_list) @call.args) @call

; Names declared inside functions: they may shadow a package or a function.
(parameter_declaration name: (identifier) @local)
(variadic_parameter_declaration name: (identifier) @local)
(short_var_declaration left: (expression_list (identifier) @local))
(range_clause left: (expression_list (identifier) @local))
(type_switch_statement alias: (expression_list (identifier) @local))
(block (var_declaration (var_spec name: (identifier) @local)))
(block (const_declaration (const_spec name: (identifier) @local)))
(labeled_statement label: (label_name) @local)
