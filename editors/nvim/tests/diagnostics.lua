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
H.done()
