-- eksa-mirror language server, Neovim 0.11+ (the same file works in nvim-lspconfig's lsp/ format).
-- Installed with the repository as a plugin (lazy.nvim: docs/editors.md), or copied to
-- ~/.config/nvim/lsp/eksa_mirror.lua (any lsp/ directory on 'runtimepath'); then
-- vim.lsp.enable('eksa_mirror') in init.lua, or require('eksa_mirror').setup().
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
