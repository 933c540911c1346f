-- Commands only; everything else loads on first use. setup() starts the language server
-- for buffers in a workspace (see :help orchestrator).
if vim.g.loaded_orchestrator then
  return
end
vim.g.loaded_orchestrator = true

local function define(name, fn, opts)
  vim.api.nvim_create_user_command(name, function(args)
    require('orchestrator')[fn](args.args)
  end, opts or {})
end

define('OrchestratorTask', 'task', { nargs = '+', desc = 'Start an orchestrator mission with this objective' })
define('OrchestratorStop', 'stop', { desc = 'Stop the running mission (its state is saved)' })
define('OrchestratorResume', 'resume', { desc = "Resume the workspace's unfinished mission" })
define('OrchestratorStatus', 'status', { desc = 'Show the mission state in a floating window' })
define('OrchestratorReview', 'review', { desc = 'Run the checks, build and tests now' })
define('OrchestratorPlan', 'plan', { desc = 'Open .opencode/todo.md' })
define('OrchestratorRestart', 'restart', { desc = "Restart the workspace's language server" })
define('OrchestratorLog', 'log', { desc = "Show the workspace's server log" })
