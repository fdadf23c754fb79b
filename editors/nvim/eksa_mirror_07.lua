-- eksa-mirror language server, Neovim 0.7 (Debian 12's neovim): paste into init.lua.
local settings = {
  eksaMirror = {
    ignore = {}, -- rule codes to turn off, e.g. { 'RM019' }
    -- select = { 'RM001', 'RM009' }, -- report only these rules (leave unset for all)
    -- severity = { RM019 = 'hint' }, -- per-rule severity: error, warning, information, hint
    checkEnvironment = false, -- also check CA files and registry credentials in the environment
    eksaVersion = '', -- EKS Anywhere version to check against, e.g. 'v0.21.0'; '' = latest known
  },
}

local client_id = nil -- one server for the whole session

vim.api.nvim_create_autocmd('FileType', {
  pattern = 'yaml',
  group = vim.api.nvim_create_augroup('eksa_mirror', { clear = true }),
  callback = function(args)
    if client_id == nil or vim.lsp.get_client_by_id(client_id) == nil then
      client_id = vim.lsp.start_client({
        name = 'eksa_mirror',
        cmd = { 'eksa-mirror', 'serve' },
        root_dir = vim.fn.getcwd(),
        init_options = settings,
        settings = settings,
        flags = { debounce_text_changes = 150 },
      })
    end
    if client_id then
      vim.lsp.buf_attach_client(args.buf, client_id)
    end
  end,
})
