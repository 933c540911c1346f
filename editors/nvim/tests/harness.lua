-- A small test harness for headless Neovim 0.7.2 and up (mini.test needs 0.10, plenary
-- is not available offline). Run by editors/nvim_test.go:
--   nvim --headless -u NONE -i NONE -n -c 'luafile tests/<name>.lua'
-- with ORCHESTRATOR_BIN, WORKSPACE, PLUGIN (this plugin's folder) and MODEL set.
local H = {
  bin = os.getenv('ORCHESTRATOR_BIN'),
  root = os.getenv('WORKSPACE'),
  model = os.getenv('MODEL'),
  notes = {}, -- every vim.notify message, in order
  errors = {}, -- those at level ERROR: a wait fails as soon as one arrives
}

vim.opt.runtimepath:prepend(os.getenv('PLUGIN'))
vim.cmd('filetype on')
vim.cmd('runtime! plugin/orchestrator.lua')

local notify = vim.notify
vim.notify = function(msg, level, opts)
  table.insert(H.notes, msg)
  if level == vim.log.levels.ERROR then
    table.insert(H.errors, msg)
  end
  return notify(msg, level, opts)
end

function H.fail(msg)
  io.stderr:write('FAIL: ' .. msg .. '\nmessages:\n  ' .. table.concat(H.notes, '\n  ') .. '\n')
  vim.cmd('cquit 1')
end

-- wait processes events until cond() holds, or fails the test naming what it awaited.
function H.wait(what, cond, ms)
  local ok = vim.wait(ms or 60000, function()
    return #H.errors > 0 or cond()
  end, 20)
  if #H.errors > 0 then
    H.fail('an error while waiting for ' .. what .. ': ' .. H.errors[1])
  elseif not ok then
    H.fail('timed out waiting for ' .. what)
  end
end

function H.check(cond, msg)
  if not cond then
    H.fail(msg)
  end
end

-- setup starts the plugin the way a user does, with the server logging into the workspace.
function H.setup(opts)
  require('orchestrator').setup(vim.tbl_extend('force', {
    cmd = { H.bin, 'lsp', '--log-file', H.root .. '/.server.log' },
  }, opts or {}))
end

function H.noted(text)
  for _, msg in ipairs(H.notes) do
    if msg:find(text, 1, true) then
      return true
    end
  end
  return false
end

-- lens_titles are the code lens titles of a buffer, by 0-based line.
function H.lens_titles(bufnr)
  local by_line = {}
  for _, lens in ipairs(vim.lsp.codelens.get(bufnr)) do
    if lens.command then
      local line = lens.range.start.line
      by_line[line] = by_line[line] or {}
      table.insert(by_line[line], lens.command.title)
    end
  end
  return by_line
end

function H.line_of(bufnr, text)
  for i, line in ipairs(vim.api.nvim_buf_get_lines(bufnr, 0, -1, false)) do
    if line:find(text, 1, true) then
      return i - 1
    end
  end
  H.fail('no line with ' .. text)
end

-- done stops the servers (they must exit cleanly) and quits with success.
function H.done()
  local clients = vim.lsp.get_active_clients()
  vim.lsp.stop_client(clients)
  H.wait('the servers to exit', function()
    return #vim.lsp.get_active_clients() == 0
  end)
  io.stdout:write('PASS\n')
  vim.cmd('qall!')
end

return H
