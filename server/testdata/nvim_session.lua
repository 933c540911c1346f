-- A real Neovim (0.7.2 and up) drives `orchestrator lsp` through its built-in client:
-- initialize, open, edit, save, close, shutdown and exit. Run by TestNeovimSession.
local bin, root = os.getenv('ORCHESTRATOR_BIN'), os.getenv('WORKSPACE')

local function fail(msg)
  io.stderr:write('FAIL: ' .. msg .. '\n')
  vim.cmd('cquit 1')
end

local exit_code
local client_id = vim.lsp.start_client({
  name = 'orchestrator',
  cmd = { bin, 'lsp', '--log-level', 'debug', '--log-file', root .. '/server.log' },
  root_dir = root,
  on_exit = function(code) exit_code = code end,
})
if not client_id then fail('start_client returned nil') end

vim.cmd('edit ' .. root .. '/main.go')
local buf = vim.api.nvim_get_current_buf()
vim.lsp.buf_attach_client(buf, client_id)
if not vim.wait(10000, function()
  local client = vim.lsp.get_client_by_id(client_id)
  return client ~= nil and client.initialized
end, 20) then
  fail('the client did not initialize')
end

-- Incremental edits, with multi-byte text, then a save.
vim.api.nvim_buf_set_lines(buf, 1, 1, false, { 'func Hello() string { return "héllo 🎉 日本" }' })
vim.api.nvim_buf_set_text(buf, 0, 8, 0, 12, { 'demo' })
vim.cmd('write')
vim.cmd('bdelete')

vim.lsp.stop_client(client_id)
if not vim.wait(10000, function() return exit_code ~= nil end, 20) then
  fail('the server did not exit after shutdown')
end
if exit_code ~= 0 then fail('the server exited with code ' .. tostring(exit_code)) end
vim.cmd('qall!')
