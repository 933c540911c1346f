-- Pure formatting of the server's status (the orchestrator/status notification and the
-- orchestrator.task.status result) for the statusline and the :OrchestratorStatus window.
local M = {}

local markers = { done = 'x', pending = ' ', in_progress = '/', cancelled = '-' }

local function plural(n, word)
  return string.format('%d %s%s', n, word, n == 1 and '' or 's')
end

-- statusline is a short line for a statusline, '' when there is nothing to say.
-- progress is the latest $/progress report of a mission ({percentage, message}) or nil.
function M.statusline(st, progress)
  if not st then
    return ''
  end
  local count = string.format('%d/%d', st.done or 0, st.total or 0)
  local text
  if st.running == 'mission' then
    text = '⚙ ' .. count
    if progress and progress.percentage then
      text = text .. string.format(' (%d%%)', progress.percentage)
    end
    text = text .. ' · iteration ' .. (st.iteration or 0)
    if (st.inProgress or 0) > 0 then
      text = text .. ' · ' .. plural(st.inProgress, 'worker')
    end
  elseif st.running and st.running ~= '' then
    text = '⚙ ' .. st.running .. ' · ' .. count
  elseif st.state == 'sealed' then
    text = '✓ sealed ' .. count
  elseif (st.state == 'none' or not st.state) and (st.total or 0) == 0 then
    return st.readOnly and 'Orchestrator (read-only)' or ''
  elseif st.state == 'none' then
    text = '▶ planned ' .. count
  elseif st.state == 'stopped' then
    text = '■ stopped ' .. count
  else
    text = '⟳ unfinished ' .. count
  end
  if (st.openIssues or 0) > 0 then
    text = text .. ' · ' .. plural(st.openIssues, 'sync issue')
  end
  if st.readOnly then
    text = text .. ' · read-only'
  end
  return 'Orchestrator ' .. text
end

-- lines renders the whole state, one entry per line, for a floating window.
function M.lines(st)
  if not st or (st.state == 'none' and (st.total or 0) == 0) then
    return { 'No mission in this workspace.', '', 'Start one with :OrchestratorTask {objective}.' }
  end
  local out = {}
  if st.objective and st.objective ~= '' then
    table.insert(out, '# ' .. st.objective)
    table.insert(out, '')
  end
  local state = st.state == 'none' and 'not started' or st.state
  if st.stopReason and st.stopReason ~= '' then
    state = state .. ' (' .. st.stopReason .. ')'
  end
  if st.running == 'mission' then
    state = 'running here'
  end
  table.insert(out, string.format('State: %s · iteration %d · %d/%d done · %s', state, st.iteration or 0,
    st.done or 0, st.total or 0, plural(st.openIssues or 0, 'open sync issue')))
  local tokens = st.tokens or {}
  table.insert(out, string.format('Tokens: %d in, %d out', tokens.input or 0, tokens.output or 0))
  if st.readOnly then
    table.insert(out, string.format('Read-only: process %s runs missions here.', tostring(st.ownerPid or '?')))
  end
  if st.items and #st.items > 0 then
    table.insert(out, '')
    table.insert(out, '## Plan')
    for _, item in ipairs(st.items) do
      local line = string.format('%s- [%s] %s %s', string.rep('  ', item.depth or 0),
        markers[item.status] or '?', item.id, item.title)
      local extra = {}
      if item.worker and item.worker ~= '' then
        table.insert(extra, item.worker)
      end
      if item.seconds and item.seconds > 0 then
        table.insert(extra, string.format('%.0fs', item.seconds))
      end
      if item.blocked and item.blocked ~= '' then
        table.insert(extra, 'blocked: ' .. item.blocked)
      end
      if item.failure and item.failure ~= '' then
        table.insert(extra, 'last run failed: ' .. item.failure)
      end
      if #extra > 0 then
        line = line .. ' (' .. table.concat(extra, ', ') .. ')'
      end
      table.insert(out, line)
    end
  end
  if st.issues and #st.issues > 0 then
    table.insert(out, '')
    table.insert(out, '## Open sync issues')
    for _, issue in ipairs(st.issues) do
      table.insert(out, string.format('- %s [%s] %s: %s', issue.id, issue.rule,
        table.concat(issue.files or {}, ', '), issue.problem))
    end
  end
  return out
end

return M
