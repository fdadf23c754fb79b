-- Drives a headless Neovim in which a documented configuration (editors/nvim/...) was loaded
-- first, and writes what Neovim itself received to a JSON file. Works on Neovim 0.7 to 0.11.
--
-- Environment (set by test_neovim.py):
--   EKSA_NVIM_FILE        the YAML file to open
--   EKSA_NVIM_OUT         where to write the JSON result
--   EKSA_NVIM_TIMEOUT     milliseconds allowed for each wait
--   EKSA_NVIM_SOURCE      wait for diagnostics whose source starts with this (default eksa-mirror)
--   EKSA_NVIM_EXPECT      ... until there are this many of them
--   EKSA_NVIM_PUBLISHERS  comma-separated client names that must also have published
--                         diagnostics at least once (push servers such as yamlls)
--   EKSA_NVIM_IGNORE      a rule code to add to eksaMirror.ignore at run time, then wait for
--                         it to disappear; EKSA_NVIM_TOUCH=1 edits the buffer after that
--   EKSA_NVIM_HOVER       "line,col" (0-based) of a textDocument/hover to eksa_mirror
--   EKSA_NVIM_COMPLETE    "line,col" of a textDocument/completion to eksa_mirror, after
--                         EKSA_NVIM_INSERT (if set) was inserted as a new line there
local env = vim.env
local v = vim.version()
local out = {
  version = string.format('%d.%d.%d', v.major, v.minor, v.patch),
  messages = {},
  published = {},
  log = {},
}
local timeout = tonumber(env.EKSA_NVIM_TIMEOUT or '20000')
local started = vim.loop.hrtime()

local function log(msg)
  table.insert(out.log, string.format('%6.0f ms %s', (vim.loop.hrtime() - started) / 1e6, msg))
end

local function pos(text)
  local line, col = text:match('^(%d+),(%d+)$')
  return { line = tonumber(line), character = tonumber(col) }
end

local function write()
  local f = assert(io.open(env.EKSA_NVIM_OUT, 'w'))
  f:write(vim.json.encode(out))
  f:close()
end

local function clients(bufnr)
  if vim.lsp.get_clients then -- 0.10+
    return vim.lsp.get_clients({ bufnr = bufnr })
  end
  if bufnr then
    return vim.tbl_values(vim.lsp.buf_get_clients(bufnr))
  end
  return vim.lsp.get_active_clients()
end

local function client_named(bufnr, name)
  for _, client in ipairs(clients(bufnr)) do
    if client.name == name then
      return client
    end
  end
end

local function matching(bufnr, prefix)
  local result = {}
  for _, d in ipairs(vim.diagnostic.get(bufnr)) do
    if type(d.source) == 'string' and d.source:sub(1, #prefix) == prefix then
      table.insert(result, d)
    end
  end
  return result
end

local function diagnostics(bufnr)
  local result = {}
  for _, d in ipairs(vim.diagnostic.get(bufnr)) do
    table.insert(result, {
      code = d.code or vim.NIL,
      source = d.source or vim.NIL,
      severity = d.severity,
      message = d.message,
      lnum = d.lnum,
      col = d.col,
      end_lnum = d.end_lnum,
      end_col = d.end_col,
    })
  end
  table.sort(result, function(a, b)
    if a.lnum ~= b.lnum then return a.lnum < b.lnum end
    if a.col ~= b.col then return a.col < b.col end
    if tostring(a.source) ~= tostring(b.source) then
      return tostring(a.source) < tostring(b.source)
    end
    return tostring(a.code) < tostring(b.code)
  end)
  return result
end

-- One request, answered by every attached server; keep the named server's answer.
local function request(bufnr, name, method, params)
  local responses = vim.lsp.buf_request_sync(bufnr, method, params, timeout)
  if responses == nil then
    error(method .. ' got no answer within ' .. timeout .. ' ms')
  end
  for client_id, response in pairs(responses) do
    local client = vim.lsp.get_client_by_id(client_id)
    if client and client.name == name then
      if response.err then
        error(method .. ' failed: ' .. vim.inspect(response.err))
      end
      return response.result
    end
  end
  return nil
end

local function wait_for(what, condition)
  local ok = vim.wait(timeout, condition, 20)
  log(what .. (ok and '' or ' TIMED OUT'))
  if not ok then
    error('timed out after ' .. timeout .. ' ms waiting for ' .. what)
  end
end

local function run()
  vim.cmd('edit ' .. vim.fn.fnameescape(env.EKSA_NVIM_FILE))
  local bufnr = vim.api.nvim_get_current_buf()
  out.filetype = vim.bo[bufnr].filetype
  log('opened, filetype ' .. out.filetype)

  local source = env.EKSA_NVIM_SOURCE or 'eksa-mirror'
  local expect = tonumber(env.EKSA_NVIM_EXPECT or '1')
  local publishers = vim.split(env.EKSA_NVIM_PUBLISHERS or '', ',', { trimempty = true })
  wait_for(expect .. ' diagnostics from ' .. source, function()
    return #matching(bufnr, source) >= expect
  end)
  wait_for('diagnostics published by ' .. table.concat(publishers, ', '), function()
    for _, name in ipairs(publishers) do
      if not out.published[name] then return false end
    end
    return true
  end)
  out.clients = {}
  for _, client in ipairs(clients(bufnr)) do
    table.insert(out.clients, client.name)
  end
  table.sort(out.clients)
  out.diagnostics = diagnostics(bufnr)

  if env.EKSA_NVIM_IGNORE then
    -- Change a setting at run time the way the docs show: edit the client's settings, then
    -- notify the server (it also reads them back through workspace/configuration).
    local client = client_named(bufnr, 'eksa_mirror')
    client.config.settings.eksaMirror.ignore = { env.EKSA_NVIM_IGNORE }
    local params = { settings = client.config.settings }
    if vim.fn.has('nvim-0.11') == 1 then
      client:notify('workspace/didChangeConfiguration', params)
    else
      client.notify('workspace/didChangeConfiguration', params)
    end
    if env.EKSA_NVIM_TOUCH then
      -- A client that pulls diagnostics without workspace/diagnostic/refresh support
      -- (Neovim 0.11) pulls again on the next change: rewrite line 1 as it is.
      vim.api.nvim_buf_set_lines(bufnr, 0, 1, true, vim.api.nvim_buf_get_lines(bufnr, 0, 1, true))
    end
    wait_for(env.EKSA_NVIM_IGNORE .. ' to be ignored', function()
      local ours = matching(bufnr, 'eksa-mirror')
      for _, d in ipairs(ours) do
        if d.code == env.EKSA_NVIM_IGNORE then return false end
      end
      return #ours > 0
    end)
    out.after_settings = diagnostics(bufnr)
  end

  local uri = vim.uri_from_bufnr(bufnr)
  if env.EKSA_NVIM_HOVER then
    local hover = request(bufnr, 'eksa_mirror', 'textDocument/hover', {
      textDocument = { uri = uri }, position = pos(env.EKSA_NVIM_HOVER),
    })
    out.hover = hover and hover.contents or vim.NIL
    log('hover')
  end

  if env.EKSA_NVIM_COMPLETE then
    local at = pos(env.EKSA_NVIM_COMPLETE)
    if env.EKSA_NVIM_INSERT then
      vim.api.nvim_buf_set_lines(bufnr, at.line, at.line, true, { env.EKSA_NVIM_INSERT })
    end
    local completion = request(bufnr, 'eksa_mirror', 'textDocument/completion', {
      textDocument = { uri = uri }, position = at,
    })
    out.completion = {}
    for _, item in ipairs(completion and (completion.items or completion) or {}) do
      table.insert(out.completion, item.label)
    end
    log('completion')
  end
end

vim.lsp.handlers['window/showMessage'] = function(_, result)
  table.insert(out.messages, result.message)
end

local publish = vim.lsp.handlers['textDocument/publishDiagnostics']
vim.lsp.handlers['textDocument/publishDiagnostics'] = function(err, result, ctx, config)
  local client = vim.lsp.get_client_by_id(ctx.client_id)
  if client then
    out.published[client.name] = true
  end
  return publish(err, result, ctx, config)
end

vim.api.nvim_create_autocmd('VimEnter', {
  once = true,
  nested = true, -- so that :edit fires FileType, which starts the documented servers
  callback = function()
    local ok, err = xpcall(run, debug.traceback)
    if not ok then
      out.error = tostring(err)
      pcall(function() out.diagnostics = out.diagnostics or diagnostics(0) end)
    end
    write()
    for _, client in ipairs(clients()) do
      vim.lsp.stop_client(client.id)
    end
    vim.wait(3000, function() return #clients() == 0 end, 20)
    vim.cmd(ok and 'qall!' or 'cquit! 1')
  end,
})
