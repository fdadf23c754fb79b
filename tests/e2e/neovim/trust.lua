-- The attacker's spec in a real headless Neovim 0.11: the eksa_mirror configuration of
-- docs/editors.md with the initializationOptions of $EKSA_NVIM_OPTIONS (JSON; empty: none),
-- vim.ui.select answering the server's question with $EKSA_NVIM_ANSWER (what a user picks
-- from Neovim's window/showMessageRequest handler), then the code lens clicked once.
-- Writes JSON to $EKSA_NVIM_OUT: the lens titles, the question and its actions, the
-- command's result.
local out = { actions = {} }
local timeout = tonumber(os.getenv('EKSA_NVIM_TIMEOUT') or '30000')

local function finish()
  local file = assert(io.open(os.getenv('EKSA_NVIM_OUT'), 'w'))
  file:write(vim.json.encode(out))
  file:close()
  vim.cmd('qall!')
end

vim.ui.select = function(items, opts, on_choice)
  out.question = opts.prompt
  for _, item in ipairs(items) do
    table.insert(out.actions, item.title)
  end
  for _, item in ipairs(items) do
    if item.title == os.getenv('EKSA_NVIM_ANSWER') then
      return on_choice(item)
    end
  end
  on_choice(nil)
end

local options = os.getenv('EKSA_NVIM_OPTIONS') or ''
vim.lsp.config('eksa_mirror', {
  cmd = { 'eksa-mirror', 'serve' },
  filetypes = { 'yaml' },
  root_markers = { '.git' },
  init_options = options ~= '' and vim.json.decode(options) or nil,
})
vim.lsp.enable('eksa_mirror')
vim.api.nvim_create_autocmd('VimEnter', {
  once = true,
  nested = true, -- so that :edit fires FileType, which starts the server
  callback = function()
    vim.cmd.edit(os.getenv('EKSA_NVIM_FILE'))
    local ok, failure = pcall(function()
      local client
      assert(vim.wait(timeout, function()
        client = vim.lsp.get_clients({ name = 'eksa_mirror', bufnr = 0 })[1]
        return client ~= nil and client.initialized
      end, 50), 'the server did not start')
      local params = { textDocument = vim.lsp.util.make_text_document_params(0) }
      local lenses = assert(client:request_sync('textDocument/codeLens', params, timeout, 0)).result
      out.lenses = vim.tbl_map(function(lens) return lens.command.title end, lenses)
      local command = lenses[1].command
      local done = false
      client:request('workspace/executeCommand', {
        command = command.command,
        arguments = command.arguments,
      }, function(err, result)
        out.result = result
        out.error = err and err.message or nil
        done = true
      end, 0)
      assert(vim.wait(timeout, function() return done end, 50), 'the command did not answer')
    end)
    if not ok then
      out.error = out.error or tostring(failure)
    end
    finish()
  end,
})
