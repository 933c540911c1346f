-- :OrchestratorTask runs the offline demo mission (a scripted model, real go build and go
-- test) to SEALED: the sealed message, the statusline, the FIX round's sync issue through
-- vim.diagnostic, and the lenses on the finished plan.
local H = dofile(os.getenv('PLUGIN') .. '/tests/harness.lua')
H.setup({ model = H.model })

-- Every sync issue the editor was ever shown.
local synced = {}
vim.api.nvim_create_autocmd('DiagnosticChanged', {
  callback = function()
    for _, d in ipairs(vim.diagnostic.get()) do
      if d.message:find('SYNC-', 1, true) then
        synced[vim.api.nvim_buf_get_name(d.bufnr)] = d.message
      end
    end
  end,
})

vim.cmd('edit ' .. H.root .. '/main.go')
vim.cmd('OrchestratorTask Add a cart package with Total, its test, and a command that prints a total')
H.wait('the sealed message', function()
  return H.noted('Mission sealed')
end, 300000)
H.wait('the statusline to say sealed', function()
  return require('orchestrator').statusline():find('✓ sealed 5/5', 1, true) ~= nil
end)
H.check(synced[H.root .. '/cart/cart_test.go'] ~= nil, 'no sync issue in cart/cart_test.go: ' .. vim.inspect(synced))
H.wait('the sync issue to clear', function()
  for _, d in ipairs(vim.diagnostic.get()) do
    if d.message:find('SYNC-', 1, true) then
      return false
    end
  end
  return true
end)

vim.cmd('OrchestratorPlan')
local buf = vim.api.nvim_get_current_buf()
H.wait('done lenses on the plan', function()
  local n = 0
  for _, titles in pairs(H.lens_titles(buf)) do
    for _, title in ipairs(titles) do
      if title:find('✓ done', 1, true) then
        n = n + 1
      end
    end
  end
  return n == 5
end)

-- A review now, of the sealed workspace: nothing to report.
vim.cmd('OrchestratorReview')
H.wait('the review', function()
  return H.noted('review finished')
end)
H.check(#vim.diagnostic.get() == 0, 'diagnostics after the review: ' .. vim.inspect(vim.diagnostic.get()))
H.done()
