-- eksa-mirror through nvim-lspconfig's legacy framework (require('lspconfig'), deprecated;
-- for setups that still use it, e.g. Neovim 0.8-0.10 with an older nvim-lspconfig).
local settings = {
  eksaMirror = {
    ignore = {}, -- rule codes to turn off, e.g. { 'RM019' }
    -- select = { 'RM001', 'RM009' }, -- report only these rules (leave unset for all)
    -- severity = { RM019 = 'hint' }, -- per-rule severity: error, warning, information, hint
    checkEnvironment = false, -- also check CA files and registry credentials in the environment
    eksaVersion = '', -- EKS Anywhere version to check against, e.g. 'v0.21.0'; '' = latest known
  },
}

local lspconfig = require('lspconfig')
local configs = require('lspconfig.configs')
if not configs.eksa_mirror then
  configs.eksa_mirror = {
    default_config = {
      cmd = { 'eksa-mirror', 'serve' },
      filetypes = { 'yaml' },
      root_dir = lspconfig.util.root_pattern('.git'),
      single_file_support = true,
      init_options = settings,
      settings = settings,
    },
  }
end
lspconfig.eksa_mirror.setup({})
