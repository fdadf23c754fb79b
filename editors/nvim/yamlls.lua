-- yaml-language-server (yamlls) with the eksa-mirror cluster schema, Neovim 0.11+.
-- With nvim-lspconfig installed, cmd, filetypes and root_markers come from its lsp/yamlls.lua
-- and only `settings` is needed here.
vim.lsp.config('yamlls', {
  cmd = { 'yaml-language-server', '--stdio' },
  filetypes = { 'yaml' },
  root_markers = { '.git' },
  settings = {
    yaml = {
      schemas = {
        ['https://raw.githubusercontent.com/eksa-mirror/eksa-mirror/main/schema/eksa-cluster.schema.json'] = {
          '*.eksa.yaml',
          '*.eksa.yml',
          'eksa-cluster*.yaml',
          'eksa-cluster*.yml',
        },
      },
    },
    redhat = { telemetry = { enabled = false } },
  },
})
vim.lsp.enable('yamlls')
