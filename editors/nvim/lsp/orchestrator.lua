-- Neovim 0.11+: the default configuration behind vim.lsp.enable('orchestrator').
-- require('orchestrator').setup() enables it with the user's options.
return require('orchestrator').client_config()
