-- eksa-mirror language server, Neovim 0.8 to 0.10: paste into init.lua.
local settings = {
  eksaMirror = {
    ignore = {}, -- rule codes to turn off, e.g. { 'RM019' }
    -- select = { 'RM001', 'RM009' }, -- report only these rules (leave unset for all)
    -- severity = { RM019 = 'hint' }, -- per-rule severity: error, warning, information, hint
    checkEnvironment = false, -- also check CA files and registry credentials in the environment
    eksaVersion = '', -- EKS Anywhere version to check against, e.g. 'v0.21.0'; '' = latest known
  },
}

vim.api.nvim_create_autocmd('FileType', {
  pattern = 'yaml',
  group = vim.api.nvim_create_augroup('eksa_mirror', { clear = true }),
  callback = function(args)
    local file = vim.api.nvim_buf_get_name(args.buf)
    local git = vim.fs.find('.git', { path = vim.fs.dirname(file), upward = true })[1]
    -- vim.lsp.start reuses the running client when name and root_dir match.
    vim.lsp.start({
      name = 'eksa_mirror',
      cmd = { 'eksa-mirror', 'serve' },
      root_dir = git and vim.fs.dirname(git) or vim.fs.dirname(file),
      init_options = settings,
      settings = settings,
    }, { bufnr = args.buf })
  end,
})
