-- eksa-mirror as a Neovim 0.11+ plugin (lazy.nvim or any plugin manager that puts the
-- repository on 'runtimepath'). Neovim needs the plugin's lsp/ and lua/ folders at the root
-- of the repository; the language server itself is the Python package under server/.
-- lsp/eksa_mirror.lua is the server's configuration, and setup() adds your options to it
-- and enables it for YAML buffers. See docs/editors.md.
local M = {}

--- opts (all optional):
---   settings   the eksaMirror settings, e.g. { ignore = { 'RM019' }, eksaVersion = 'v0.21.0' }
---   cmd        the server command, default { 'eksa-mirror', 'serve' }
---   filetypes  default { 'yaml' }
---   enable     false to configure without enabling
function M.setup(opts)
  opts = opts or {}
  if vim.fn.has('nvim-0.11') == 0 then
    vim.notify(
      'eksa-mirror: the plugin needs Neovim 0.11+; docs/editors.md has the 0.7-0.10 setup',
      vim.log.levels.WARN
    )
    return
  end
  local config = { cmd = opts.cmd, filetypes = opts.filetypes }
  if opts.settings then
    local settings = { eksaMirror = opts.settings }
    config.settings = settings
    config.init_options = settings -- applied before the first diagnostics
  end
  if next(config) ~= nil then
    vim.lsp.config('eksa_mirror', config) -- merged over lsp/eksa_mirror.lua
  end
  if opts.enable ~= false then
    vim.lsp.enable('eksa_mirror')
  end
end

return M
