-- A broken import shows as a diagnostic in the open file and clears once it is fixed.
local H = dofile(os.getenv('PLUGIN') .. '/tests/harness.lua')
H.setup()

vim.cmd('edit ' .. H.root .. '/main.go')
local buf = vim.api.nvim_get_current_buf()

local function find(code)
  for _, d in ipairs(vim.diagnostic.get(buf)) do
    if d.source == 'orchestrator' and d.code == code then
      return d
    end
  end
end

H.wait('an unresolved-import diagnostic in main.go', function()
  return find('unresolved-import') ~= nil
end)
local d = find('unresolved-import')
H.check(d.lnum == H.line_of(buf, 'example.com/shop/pricing'), 'the diagnostic is on line ' .. d.lnum)
H.check(d.severity == vim.diagnostic.severity.ERROR, 'severity ' .. tostring(d.severity))
H.check(find('missing-export') ~= nil, 'no missing-export for cart.Sum')

-- Fix both in the buffer, unsaved: the server checks the editor's text.
local import = H.line_of(buf, 'example.com/shop/pricing')
vim.api.nvim_buf_set_lines(buf, import, import + 1, false, {})
local call = H.line_of(buf, 'cart.Sum')
local text = vim.api.nvim_buf_get_lines(buf, call, call + 1, false)[1]
vim.api.nvim_buf_set_lines(buf, call, call + 1, false, { (text:gsub('cart%.Sum', 'cart.Total')) })
H.wait('the diagnostics to clear', function()
  return #vim.diagnostic.get(buf) == 0
end)

-- A problem in the configuration shows at its key as it is typed, unsaved, and clears
-- once it is mended; other JSON is not the server's business.
vim.cmd('edit ' .. H.root .. '/other.json')
local other = vim.api.nvim_get_current_buf()
for _, client in ipairs((vim.lsp.get_clients or vim.lsp.get_active_clients)()) do
  H.check(not vim.lsp.buf_is_attached(other, client.id), 'the client attached to other.json')
end
vim.fn.mkdir(H.root .. '/.opencode', 'p')
vim.cmd('edit ' .. H.root .. '/.opencode/orchestrator.json')
local config = vim.api.nvim_get_current_buf()
vim.api.nvim_buf_set_lines(config, 0, -1, false, { '{', '  "limits": {"wroker": 2}', '}' })
H.wait('a config-error diagnostic in orchestrator.json', function()
  local ds = vim.diagnostic.get(config)
  return #ds == 1 and ds[1].code == 'config-error'
end)
d = vim.diagnostic.get(config)[1]
H.check(d.lnum == 1 and d.col == 13, 'the configuration diagnostic is at ' .. d.lnum .. ':' .. d.col)
H.check(d.message:find('unknown key "limits.wroker"', 1, true) ~= nil, 'message ' .. d.message)
vim.api.nvim_buf_set_lines(config, 1, 2, false, { '  "limits": {"worker": 2}' })
H.wait('the configuration diagnostic to clear', function()
  return #vim.diagnostic.get(config) == 0
end)
H.done()
