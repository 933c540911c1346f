; The top-level facts of a Go file, read by golang.go. Calls, qualified references and
; names declared inside functions come from a walk of the whole tree (golang.go).

(source_file (package_clause (package_identifier) @package))

(source_file (import_declaration (import_spec name: (_)? @import.name path: (interpreted_string_literal) @import.path)))
(source_file (import_declaration (import_spec_list (import_spec name: (_)? @import.name path: (interpreted_string_literal) @import.path))))

(source_file (function_declaration name: (identifier) @def.func parameters: (parameter_list) @def.params) @def)
(source_file (method_declaration receiver: (parameter_list) @def.receiver name: (field_identifier) @def.method) @def)
(source_file (type_declaration (type_spec name: (type_identifier) @def.type)))
(source_file (type_declaration (type_alias name: (type_identifier) @def.type)))
(source_file (var_declaration (var_spec name: (identifier) @def.var)))
(source_file (var_declaration (var_spec_list (var_spec name: (identifier) @def.var))))
(source_file (const_declaration (const_spec name: (identifier) @def.const)))
