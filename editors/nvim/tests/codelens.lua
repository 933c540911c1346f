-- Code lenses on .opencode/todo.md, the status window and the statusline, before any mission.
local H = dofile(os.getenv('PLUGIN') .. '/tests/harness.lua')
H.setup()

vim.cmd('OrchestratorPlan')
local buf = vim.api.nvim_get_current_buf()
H.check(vim.api.nvim_buf_get_name(buf) == H.root .. '/.opencode/todo.md', ':OrchestratorPlan opened ' .. vim.api.nvim_buf_get_name(buf))

local first, second = H.line_of(buf, 'T1'), H.line_of(buf, 'T2')
H.wait('lenses on both items', function()
  local lenses = H.lens_titles(buf)
  return lenses[first] ~= nil and lenses[second] ~= nil
end)
local lenses = H.lens_titles(buf)
H.check(vim.tbl_contains(lenses[first], '▶ Run'), 'T1 lenses: ' .. vim.inspect(lenses[first]))
H.check(table.concat(lenses[second], ' '):find('waiting for T1', 1, true), 'T2 lenses: ' .. vim.inspect(lenses[second]))
H.check(vim.tbl_contains(lenses[0] or {}, '▶ Start'), 'header lenses: ' .. vim.inspect(lenses[0]))

-- The status window lists the plan.
vim.cmd('OrchestratorStatus')
local float
H.wait('the status window', function()
  for _, win in ipairs(vim.api.nvim_list_wins()) do
    if vim.api.nvim_win_get_config(win).relative ~= '' then
      float = win
      return true
    end
  end
end)
local shown = table.concat(vim.api.nvim_buf_get_lines(vim.api.nvim_win_get_buf(float), 0, -1, false), '\n')
H.check(shown:find('- [ ] T1 Write the parser', 1, true), 'status window:\n' .. shown)
H.check(shown:find('0/2 done', 1, true), 'status window:\n' .. shown)
-- An item whose last run failed says why (the server sends it as `failure`).
local failed = table.concat(require('orchestrator.status').lines({ state = 'stopped', iteration = 1, done = 0, total = 1, openIssues = 0,
  items = { { id = 'T1', title = 'main', status = 'pending', depth = 0, failure = 'main.go not written' } } }), '\n')
H.check(failed:find('- [ ] T1 main (last run failed: main.go not written)', 1, true), 'status window of a failed item:\n' .. failed)

H.wait('the statusline', function()
  return require('orchestrator').statusline():find('0/2', 1, true) ~= nil
end)

-- :checkhealth orchestrator says which server runs for which workspace, and what is wrong
-- when the server cannot start. (Neovim 0.7 writes "- OK: text", 0.10 "- ✅ OK text".)
local function checkhealth()
  vim.cmd('checkhealth orchestrator')
  local lines = vim.api.nvim_buf_get_lines(0, 0, -1, false)
  vim.cmd('bwipeout!')
  return lines
end
local function expect(lines, severity, text)
  for _, line in ipairs(lines) do
    if line:find(text, 1, true) then
      H.check(line:find(severity, 1, true), 'checkhealth: "' .. line .. '" is not ' .. severity)
      return
    end
  end
  H.fail('checkhealth has no "' .. text .. '":\n' .. table.concat(lines, '\n'))
end
local report = checkhealth()
expect(report, 'OK', vim.trim(vim.fn.system({ H.bin, 'version' })))
expect(report, 'OK', 'workspace: ' .. H.root)
expect(report, 'OK', 'server for ' .. H.root .. ': no mission started, 0/2 done')
local all = table.concat(report, '\n')
H.check(not all:find('ERROR', 1, true) and not all:find('WARN', 1, true), 'checkhealth warns:\n' .. all)
H.setup({ cmd = { H.root .. '/no-such-orchestrator', 'lsp' } })
H.errors = {} -- setup's own message is the one expected
report = checkhealth()
expect(report, 'ERROR', H.root .. '/no-such-orchestrator is not executable')
expect(report, 'WARN', 'setup() has not run')
H.done()
