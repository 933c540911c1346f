-- :checkhealth orchestrator: whether the server can start, which workspace the current
-- buffer belongs to, and the servers running with their missions.
local M = {}

-- Neovim 0.10 and up name the report functions start/ok/...; 0.7 to 0.9 report_start/...
local health = vim.health or require('health')
local start = health.start or health.report_start
local ok = health.ok or health.report_ok
local info = health.info or health.report_info
local warn = health.warn or health.report_warn
local fail = health.error or health.report_error

function M.check()
  local h = require('orchestrator').health()

  start('orchestrator: the language server')
  local bin = h.cmd[1]
  if vim.fn.executable(bin) == 0 then
    fail(bin .. ' is not executable', { 'install it: go install, or make install in the repository', "or give its path: require('orchestrator').setup({ cmd = { '/path/to/orchestrator', 'lsp' } })" })
  else
    local version = vim.trim(vim.fn.system({ bin, 'version' }))
    if vim.v.shell_error ~= 0 then
      fail(bin .. ' version failed: ' .. version, { 'is it the orchestrator binary?' })
    else
      ok(version .. ' (' .. table.concat(h.cmd, ' ') .. ')')
    end
  end
  if h.set_up then
    ok('setup() ran: buffers of a workspace start the server')
  else
    warn('setup() has not run (or did not find the server): no server starts', { "call require('orchestrator').setup() in your configuration" })
  end
  info('model of missions started here: ' .. (h.model or 'the workspace\'s .opencode/orchestrator.json'))

  start('orchestrator: this workspace')
  if h.root then
    ok('workspace: ' .. h.root)
  else
    warn('no workspace: neither this buffer\'s folders nor the working directory have a root marker', { 'root_markers in setup() says which folders start one; .opencode/ always does' })
  end
  if #h.servers == 0 then
    info('no server is running')
  end
  for _, server in ipairs(h.servers) do
    local line = 'server for ' .. tostring(server.root)
    if not server.initialized then
      warn(line .. ': starting')
    elseif server.status and server.status.state then
      local st = server.status
      local mission = st.state == 'none' and 'no mission started' or 'mission ' .. st.state
      ok(string.format('%s: %s, %d/%d done', line, mission, st.done or 0, st.total or 0))
    else
      ok(line .. ': running')
    end
  end
end

return M
