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

-- :OrchestratorRestart starts a new server for the workspace and attaches the plan to it;
-- :OrchestratorLog shows both servers' log.
local old = vim.lsp.get_active_clients()[1]
vim.cmd('OrchestratorRestart')
H.wait('the server to restart', function()
  return H.noted('server restarted for ' .. H.root)
end)
local new = vim.lsp.get_active_clients()
H.check(#new == 1 and new[1].id ~= old.id and new[1].config.root_dir == H.root, 'clients after the restart: ' .. vim.inspect(vim.tbl_map(function(c)
  return { id = c.id, root = c.config.root_dir }
end, new)))
H.check(new[1].rpc.pid ~= old.rpc.pid, 'the same server process ' .. tostring(old.rpc.pid))
H.check(vim.lsp.buf_is_attached(buf, new[1].id), 'the plan is not attached to the new server')
vim.cmd('OrchestratorLog')
H.check(vim.api.nvim_buf_get_name(0) == 'orchestrator-log://' .. H.root, ':OrchestratorLog opened ' .. vim.api.nvim_buf_get_name(0))
local log = vim.api.nvim_buf_get_lines(0, 0, -1, false)
local initializes, shutdowns = 0, 0
for _, line in ipairs(log) do
  initializes = initializes + (line:find('INFO  initialize client=', 1, true) and 1 or 0)
  shutdowns = shutdowns + (line:find('INFO  shutdown', 1, true) and 1 or 0)
end
H.check(initializes == 2 and shutdowns == 1, 'the log:\n' .. table.concat(log, '\n'))
H.check(vim.api.nvim_win_get_cursor(0)[1] == #log, 'the log is not shown at its end')
vim.cmd('close')
H.setup({ cmd = { H.root .. '/no-such-orchestrator', 'lsp' } })
H.errors = {} -- setup's own message is the one expected
report = checkhealth()
expect(report, 'ERROR', H.root .. '/no-such-orchestrator is not executable')
expect(report, 'WARN', 'setup() has not run')
H.done()
