-- eksa-mirror language server, Neovim 0.11+: the table vim.lsp.config reads for 'eksa_mirror'.
-- Neovim finds it as lsp/eksa_mirror.lua on the runtimepath: with the repository installed
-- as a plugin (lazy.nvim; lua/eksa_mirror adds your options), or copied to
-- ~/.config/nvim/lsp/eksa_mirror.lua; then vim.lsp.enable('eksa_mirror') in init.lua.
-- All in init.lua instead: vim.lsp.config('eksa_mirror', <this table>), then enable it.
local settings = {
  eksaMirror = {
    ignore = {}, -- rule codes to turn off, e.g. { 'RM019' }
    -- select = { 'RM001', 'RM009' }, -- report only these rules (leave unset for all)
    -- severity = { RM019 = 'hint' }, -- per-rule severity: error, warning, information, hint
    checkEnvironment = false, -- also check CA files and registry credentials in the environment
    eksaVersion = '', -- EKS Anywhere version to check against, e.g. 'v0.21.0'; '' = latest known
  },
}

return {
  cmd = { 'eksa-mirror', 'serve' },
  filetypes = { 'yaml' },
  root_markers = { '.git' },
  init_options = settings, -- applied before the first diagnostics
  settings = settings, -- served to the server through workspace/configuration
}
