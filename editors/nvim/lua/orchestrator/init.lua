-- The orchestrator language server in Neovim 0.7.2 and up: starts `orchestrator lsp` for
-- workspace buffers, turns its commands into :Orchestrator* commands, keeps the code lens
-- on .opencode/todo.md current and offers a statusline component. Diagnostics (the
-- checks and the mission's sync issues) arrive through vim.diagnostic as they are.
local format = require('orchestrator.status')

local M = {}

local name = 'orchestrator'
local plan_path = '.opencode/todo.md'

local defaults = {
  cmd = { 'orchestrator', 'lsp' },
  model = nil, -- provider/model of missions started here; nil: the workspace's config
  approval_timeout = nil, -- seconds the server waits for an approval answer
  filetypes = { 'go', 'typescript', 'typescriptreact', 'javascript', 'javascriptreact', 'python', 'markdown', 'json' },
  root_markers = { '.opencode', '.git', 'go.mod', 'go.work', 'package.json', 'pyproject.toml', 'setup.cfg' },
}
local config = vim.deepcopy(defaults)
local set_up = false -- whether setup() ran and found the server

-- Per client id: the latest orchestrator/status and the mission's latest progress report.
local statuses, progress = {}, {}
-- The client started for each workspace root, and per client id what waits for its
-- initialization (before it, a request would reach a server that has no workspace yet).
local started, waiting = {}, {}
-- Per client id being restarted, what to do once it has exited.
local restarting = {}
-- Per workspace root, the servers' log (window/logMessage), kept across restarts.
local logs = {}
local max_log_lines = 5000

local function notify(msg, level)
  vim.notify('Orchestrator: ' .. msg, level or vim.log.levels.INFO)
end

local function exists(path)
  return vim.loop.fs_stat(path) ~= nil
end

local function is_plan(bufnr)
  local file = vim.api.nvim_buf_get_name(bufnr)
  return file:sub(-#plan_path) == plan_path
end

-- is_config is whether a buffer is the workspace's configuration, which the server checks
-- as it is typed.
local function is_config(bufnr)
  local file = vim.api.nvim_buf_get_name(bufnr)
  for _, path in ipairs({ '/.opencode/orchestrator.json', '/.opencode/agents.json' }) do
    if file:sub(-#path) == path then
      return true
    end
  end
  return false
end

-- root_of is the workspace of a file: the nearest folder with .opencode/, else the nearest
-- with another marker, else nil.
local function root_of(file)
  if file == '' then
    return nil
  end
  local dir = vim.fn.fnamemodify(file, ':p:h')
  for _, wanted in ipairs({ { '.opencode' }, config.root_markers }) do
    local d = dir
    while true do
      for _, marker in ipairs(wanted) do
        if exists(d .. '/' .. marker) then
          return d
        end
      end
      local parent = vim.fn.fnamemodify(d, ':h')
      if parent == d then
        break
      end
      d = parent
    end
  end
  return nil
end

local function buffer_root(bufnr)
  local file = vim.api.nvim_buf_get_name(bufnr)
  if vim.bo[bufnr].buftype ~= '' or file == '' then
    return nil
  end
  -- Markdown only for the plan, JSON only for the configuration: other notes and data
  -- are not the server's business.
  local filetype = vim.bo[bufnr].filetype
  if filetype == 'markdown' and not is_plan(bufnr) or filetype == 'json' and not is_config(bufnr) then
    return nil
  end
  return root_of(file)
end

local function clients()
  -- get_active_clients of 0.7 takes no filter.
  local all = (vim.lsp.get_clients or vim.lsp.get_active_clients)()
  return vim.tbl_filter(function(client)
    return client.name == name
  end, all)
end

-- request sends a request from a client: a method call from 0.11 on, a function before.
local function request(client, ...)
  if vim.fn.has('nvim-0.11') == 1 then
    return client:request(...)
  end
  return client.request(...)
end

-- refresh_lenses asks for the code lens of one buffer. Neovim before 0.10 refreshes only
-- the current buffer, and the plan may be open in another window.
local function refresh_lenses(client, bufnr)
  if not vim.api.nvim_buf_is_loaded(bufnr) then
    return
  end
  local params = { textDocument = { uri = vim.uri_from_bufnr(bufnr) } }
  request(client, 'textDocument/codeLens', params, function(err, result, ctx)
    if vim.api.nvim_buf_is_loaded(bufnr) then
      vim.lsp.codelens.on_codelens(err, result, ctx)
    end
  end, bufnr)
end

local function plan_buffers(client)
  local out = {}
  for _, bufnr in ipairs(vim.api.nvim_list_bufs()) do
    if vim.api.nvim_buf_is_loaded(bufnr) and is_plan(bufnr) and vim.lsp.buf_is_attached(bufnr, client.id) then
      table.insert(out, bufnr)
    end
  end
  return out
end

local handlers = {
  -- The full state, sent on every change: it feeds the statusline and refreshes the lens
  -- of clients without workspace/codeLens/refresh (Neovim 0.7 to 0.9).
  ['orchestrator/status'] = function(_, result, ctx)
    statuses[ctx.client_id] = result
    local client = vim.lsp.get_client_by_id(ctx.client_id)
    if client then
      for _, bufnr in ipairs(plan_buffers(client)) do
        refresh_lenses(client, bufnr)
      end
    end
    vim.cmd('redrawstatus!')
  end,
  ['$/progress'] = function(err, result, ctx, cfg)
    local value = result and result.value or {}
    if value.kind == 'end' then
      progress[ctx.client_id] = nil
    elseif value.kind then
      progress[ctx.client_id] = vim.tbl_extend('force', progress[ctx.client_id] or {}, value)
    end
    return vim.lsp.handlers['$/progress'](err, result, ctx, cfg)
  end,
  -- The log Neovim writes only to its own file (and from WARN on): kept for :OrchestratorLog.
  ['window/logMessage'] = function(err, result, ctx, cfg)
    local client = vim.lsp.get_client_by_id(ctx.client_id)
    local root = client and client.config.root_dir
    if root and result then
      local log = logs[root] or {}
      logs[root] = log
      local kinds = { 'ERROR', 'WARN', 'INFO', 'LOG' }
      for _, line in ipairs(vim.split(result.message, '\n', { plain = true })) do
        table.insert(log, string.format('%s %-5s %s', os.date('%H:%M:%S'), kinds[result.type] or 'LOG', line))
      end
      if #log > max_log_lines then
        logs[root] = vim.list_slice(log, #log - max_log_lines + 1)
      end
    end
    return vim.lsp.handlers['window/logMessage'](err, result, ctx, cfg)
  end,
  -- Sealed, stopped and read-only arrive as messages: through vim.notify, so that
  -- notification plugins show them.
  ['window/showMessage'] = function(_, result)
    local levels = { vim.log.levels.ERROR, vim.log.levels.WARN, vim.log.levels.INFO, vim.log.levels.DEBUG }
    vim.notify(result.message, levels[result.type] or vim.log.levels.INFO)
  end,
}

local function init_options()
  local opts = { model = config.model, approvalTimeoutSeconds = config.approval_timeout }
  return next(opts) and opts or nil -- an empty table would be encoded as a JSON array
end

-- client_config is the configuration of the client, for every way of starting it.
function M.client_config()
  return {
    name = name,
    cmd = config.cmd,
    filetypes = config.filetypes,
    root_markers = vim.list_extend({ '.opencode' }, config.root_markers),
    init_options = init_options(),
    handlers = handlers,
    on_init = function(client)
      for _, fn in ipairs(waiting[client.id] or {}) do
        fn(client)
      end
      waiting[client.id] = nil
    end,
    on_exit = function(_, _, id)
      statuses[id], progress[id], waiting[id] = nil, nil, nil
      for root, started_id in pairs(started) do
        if started_id == id then
          started[root] = nil
        end
      end
      local after = restarting[id]
      restarting[id] = nil
      if after then
        vim.schedule(after) -- not inside the exit callback
      end
    end,
    on_attach = function(client, bufnr)
      if is_plan(bufnr) then
        refresh_lenses(client, bufnr)
      end
    end,
  }
end

-- ensure_client finds or starts the client of a workspace, also without a buffer, for
-- commands run before any of its files is open.
local function ensure_client(root)
  local client = started[root] and vim.lsp.get_client_by_id(started[root])
  if client then
    return client
  end
  local cfg = vim.tbl_extend('force', M.client_config(), { root_dir = root })
  local id
  if vim.fn.has('nvim-0.11') == 1 then
    id = vim.lsp.start(cfg, { attach = false })
  else
    id = vim.lsp.start_client(cfg)
  end
  started[root] = id
  return id and vim.lsp.get_client_by_id(id)
end

-- when_ready calls fn with the client once it is initialized.
local function when_ready(client, fn)
  if client.initialized then
    fn(client)
  else
    waiting[client.id] = waiting[client.id] or {}
    table.insert(waiting[client.id], fn)
  end
end

-- attach connects a buffer to its workspace's server (Neovim before 0.11; 0.11 and up
-- use vim.lsp.enable).
function M.attach(bufnr)
  local root = buffer_root(bufnr)
  if not root then
    return
  end
  if vim.lsp.start then
    local id = vim.lsp.start(vim.tbl_extend('force', M.client_config(), { root_dir = root }), { bufnr = bufnr })
    started[root] = started[root] or id
    return
  end
  local client = ensure_client(root)
  if client then
    vim.lsp.buf_attach_client(bufnr, client.id)
  end
end

function M.setup(opts)
  config = vim.tbl_deep_extend('force', vim.deepcopy(defaults), opts or {})
  if type(config.cmd) == 'string' then
    config.cmd = { config.cmd, 'lsp' }
  end
  set_up = false
  if vim.fn.executable(config.cmd[1]) == 0 then
    notify(config.cmd[1] .. ' is not executable; install it (go install) or set cmd in setup()', vim.log.levels.ERROR)
    return
  end
  set_up = true
  local group = vim.api.nvim_create_augroup('orchestrator', { clear = true })
  if vim.lsp.config and vim.lsp.enable then
    local cfg = M.client_config()
    cfg.root_dir = function(bufnr, on_dir)
      local root = buffer_root(bufnr)
      if root then
        on_dir(root)
      end
    end
    cfg.root_markers = nil
    vim.lsp.config(name, cfg)
    vim.lsp.enable(name)
  else
    vim.api.nvim_create_autocmd('FileType', {
      group = group,
      pattern = config.filetypes,
      callback = function(args)
        M.attach(args.buf)
      end,
    })
    -- Buffers opened before setup().
    for _, bufnr in ipairs(vim.api.nvim_list_bufs()) do
      if vim.api.nvim_buf_is_loaded(bufnr) and vim.tbl_contains(config.filetypes, vim.bo[bufnr].filetype) then
        M.attach(bufnr)
      end
    end
  end
  vim.api.nvim_create_autocmd({ 'BufEnter', 'InsertLeave', 'BufWritePost' }, {
    group = group,
    pattern = '*/' .. plan_path,
    callback = function(args)
      for _, client in ipairs(clients()) do
        if vim.lsp.buf_is_attached(args.buf, client.id) then
          refresh_lenses(client, args.buf)
        end
      end
    end,
  })
end

-- client_of is the running client of a workspace root, however it was started.
local function client_of(root)
  for _, client in ipairs(clients()) do
    if client.config.root_dir == root then
      return client
    end
  end
end

-- current_workspace is the current buffer's workspace, else the working directory's.
local function current_workspace()
  return buffer_root(vim.api.nvim_get_current_buf()) or root_of(vim.fn.getcwd() .. '/.')
end

local function current_root()
  return current_workspace() or vim.fn.getcwd()
end

-- workspace_client is the client of root, started when needed; it says so when the
-- server does not start.
local function workspace_client(root)
  local client = ensure_client(root)
  if not client then
    notify('the language server did not start (' .. table.concat(config.cmd, ' ') .. ')', vim.log.levels.ERROR)
  end
  return client
end

-- current_client is the client of the current workspace, started when needed.
local function current_client()
  local root = current_root()
  return workspace_client(root), root
end

-- execute runs a server command; on_result gets its result when it succeeds.
local function execute(command, args, on_result)
  local client = current_client()
  if not client then
    return
  end
  local params = { command = command, arguments = args and { args } or nil }
  when_ready(client, function()
    request(client, 'workspace/executeCommand', params, function(err, result)
      if err then
        notify(err.message, vim.log.levels.ERROR)
      elseif on_result then
        on_result(result)
      end
    end)
  end)
end

function M.task(objective)
  if not objective or vim.trim(objective) == '' then
    notify('usage: :OrchestratorTask {objective}', vim.log.levels.ERROR)
    return
  end
  execute('orchestrator.task.start', { objective = objective, model = config.model }, function()
    notify('mission started: ' .. objective)
  end)
end

function M.stop()
  execute('orchestrator.task.stop', nil, function()
    notify('mission stopped; :OrchestratorResume continues it')
  end)
end

function M.resume()
  execute('orchestrator.task.resume', nil, function()
    notify('mission resumed')
  end)
end

function M.review()
  execute('orchestrator.review', nil, function()
    notify('review finished; findings are in the diagnostics')
  end)
end

-- status shows the state in a floating window (closed when the cursor moves).
function M.status()
  execute('orchestrator.task.status', nil, function(st)
    vim.lsp.util.open_floating_preview(format.lines(st), 'markdown', { border = 'rounded' })
  end)
end

function M.plan()
  local _, root = current_client()
  vim.cmd('edit ' .. vim.fn.fnameescape(root .. '/' .. plan_path))
end

-- start_again starts the server of root and attaches the buffers it served.
local function start_again(root, buffers)
  for _, bufnr in ipairs(buffers) do
    if vim.api.nvim_buf_is_loaded(bufnr) then
      M.attach(bufnr)
    end
  end
  local client = workspace_client(root) -- the one attach started, or a new one
  if not client then
    return
  end
  when_ready(client, function()
    notify('server restarted for ' .. root)
  end)
end

-- restart stops the workspace's server and starts it again: a new binary after go
-- install, or a server that exited. A running mission stops with it (its state is
-- saved), so that is asked first.
function M.restart()
  local root = current_root()
  local client = client_of(root)
  if not client then
    start_again(root, {})
    return
  end
  local st = statuses[client.id]
  if st and st.running and st.running ~= '' then
    local choice = vim.fn.confirm('Restarting the server stops the running mission; :OrchestratorResume continues it.', '&Restart\n&Cancel', 2)
    if choice ~= 1 then
      return
    end
  end
  local buffers = vim.lsp.get_buffers_by_client_id(client.id)
  restarting[client.id] = function()
    start_again(root, buffers)
  end
  if vim.fn.has('nvim-0.11') == 1 then
    client:stop()
  else
    client.stop()
  end
end

-- log shows the workspace's server log in a scratch buffer, at its end.
function M.log()
  local root = current_root()
  local lines = logs[root]
  if not lines or #lines == 0 then
    notify('no server log yet for ' .. root)
    return
  end
  local name = 'orchestrator-log://' .. root
  local bufnr = vim.fn.bufnr(name)
  if bufnr == -1 then
    bufnr = vim.api.nvim_create_buf(false, true)
    vim.api.nvim_buf_set_name(bufnr, name)
  end
  vim.api.nvim_buf_set_lines(bufnr, 0, -1, false, lines)
  local win = vim.fn.bufwinid(bufnr)
  if win == -1 then
    vim.cmd('botright split')
    win = vim.api.nvim_get_current_win()
    vim.api.nvim_win_set_buf(win, bufnr)
  end
  vim.api.nvim_set_current_win(win)
  vim.api.nvim_win_set_cursor(win, { #lines, 0 })
end

-- health is what :checkhealth orchestrator reports (lua/orchestrator/health.lua): the
-- configuration, the current buffer's workspace and the running servers.
function M.health()
  local out = { set_up = set_up, cmd = config.cmd, model = config.model, servers = {} }
  out.root = current_workspace()
  for _, client in ipairs(clients()) do
    table.insert(out.servers, { root = client.config.root_dir, initialized = client.initialized, status = statuses[client.id] })
  end
  return out
end

-- statusline is a component for 'statusline' or a statusline plugin:
-- %{v:lua.require'orchestrator'.statusline()}
function M.statusline()
  local root = buffer_root(vim.api.nvim_get_current_buf())
  for _, client in ipairs(clients()) do
    if root == nil or client.config.root_dir == root then
      return format.statusline(statuses[client.id], progress[client.id])
    end
  end
  return ''
end

return M
