;;; driver.el --- drive eglot or lsp-mode headless against eksa-mirror serve  -*- lexical-binding: t; -*-

;; emacs --batch -Q -l driver.el, with the environment:
;;   EKSA_EMACS_CLIENT  eglot | lsp-mode
;;   EKSA_EMACS_CONFIG  the configuration under test (editors/emacs/eksa-mirror-*.el)
;;   EKSA_EMACS_FILE    the cluster spec to open
;;   EKSA_EMACS_HOVER   LINE:COLUMN (1-based line, 0-based column) to hover
;;   EKSA_EMACS_COMPLETE  LINE:COLUMN where completion is asked
;;   EKSA_EMACS_OUT     where the JSON result is written
;; The result: the hook that the configuration put on yaml-mode, the diagnostics
;; (line, column, code, message), the hover text and the completion labels.

;;; Code:

(require 'package)
(require 'json)
(require 'cl-lib)
(setq package-user-dir (make-temp-file "eksa-emacs-elpa" t))
;; Debian's elpa-* packages (what `emacs -Q' leaves out of the list)
(add-to-list 'package-directory-list "/usr/share/emacs/site-lisp/elpa")
(package-initialize)

(defvar drv-client (getenv "EKSA_EMACS_CLIENT"))
(defvar drv-result (list))
(defun drv-put (key value) (setq drv-result (plist-put drv-result key value)))

(defun drv-write ()
  (with-temp-file (getenv "EKSA_EMACS_OUT")
    (insert (json-encode drv-result))))

(defun drv-wait (predicate seconds)
  "Process server output until PREDICATE holds or SECONDS pass; the value of PREDICATE."
  (let ((deadline (+ (float-time) seconds)) (value nil))
    (while (and (not (setq value (funcall predicate))) (< (float-time) deadline))
      (accept-process-output nil 0.05))
    value))

(defun drv-position (spec)
  "Go to SPEC, \"LINE:COLUMN\" with a 1-based line and a 0-based column."
  (let ((parts (mapcar #'string-to-number (split-string spec ":"))))
    (goto-char (point-min))
    (forward-line (1- (car parts)))
    (forward-char (cadr parts))))

(defun drv-completions ()
  (let ((capf (run-hook-wrapped 'completion-at-point-functions
                                (lambda (f) (and (functionp f) (funcall f))))))
    (when capf
      (sort (all-completions "" (nth 2 capf)) #'string<))))

;;; eglot

(defun drv-eglot-diagnostics ()
  (mapcar (lambda (d)
            (let* ((data (flymake-diagnostic-data d))
                   (lsp (cdr (assoc 'eglot-lsp-diag data))))
              (save-excursion
                (goto-char (flymake-diagnostic-beg d))
                (vector (line-number-at-pos) (current-column)
                        (or (and lsp (plist-get lsp :code)) "")
                        (flymake-diagnostic-text d)))))
          (flymake-diagnostics)))

(defun drv-eglot ()
  (setq eglot-sync-connect 10 eglot-connect-timeout 30)
  (run-hooks 'post-command-hook)  ; eglot-ensure connects after the command that opened the file
  (let ((server (drv-wait #'eglot-current-server 30)))
    (drv-put :server (and server (eglot--project-nickname server))))
  (drv-put :diagnostics (vconcat (drv-wait #'drv-eglot-diagnostics 30)))
  (drv-position (getenv "EKSA_EMACS_HOVER"))
  (let ((hover (jsonrpc-request (eglot-current-server) :textDocument/hover
                                (eglot--TextDocumentPositionParams))))
    (drv-put :hover (or (plist-get (plist-get hover :contents) :value) "")))
  (drv-position (getenv "EKSA_EMACS_COMPLETE"))
  (drv-put :completion (vconcat (drv-completions))))

;;; lsp-mode

(defun drv-lsp-diagnostics ()
  (let ((found (gethash (lsp--fix-path-casing buffer-file-name) (lsp-diagnostics t))))
    (mapcar (lambda (d)
              (let ((start (lsp:range-start (lsp:diagnostic-range d))))
                (vector (1+ (lsp:position-line start)) (lsp:position-character start)
                        (or (lsp:diagnostic-code? d) "")
                        (lsp:diagnostic-message d))))
            found)))

(defun drv-lsp-mode ()
  (unless lsp--buffer-deferred (error "lsp-deferred did not run for this buffer"))
  (lsp)  ; what lsp-deferred does once the buffer is shown (never, in batch)
  (drv-wait (lambda () (and (lsp-workspaces)
                            (eq 'initialized (lsp--workspace-status (car (lsp-workspaces))))))
            30)
  (drv-put :server (mapconcat (lambda (w) (symbol-name (lsp--client-server-id
                                                         (lsp--workspace-client w))))
                              (lsp-workspaces) ","))
  (drv-put :diagnostics (vconcat (drv-wait #'drv-lsp-diagnostics 30)))
  (drv-position (getenv "EKSA_EMACS_HOVER"))
  (let ((hover (lsp-request "textDocument/hover" (lsp--text-document-position-params))))
    (drv-put :hover (or (and hover (lsp:markup-content-value (lsp:hover-contents hover))) "")))
  (drv-position (getenv "EKSA_EMACS_COMPLETE"))
  (drv-put :completion (vconcat (drv-completions))))

;;; main

(condition-case err
    (progn
      (when (equal drv-client "lsp-mode")
        (setq lsp-session-file (expand-file-name "session" (make-temp-file "eksa-lsp" t))
              lsp-enable-snippet nil           ; no yasnippet here
              lsp-auto-guess-root t
              lsp-enable-suggest-server-download nil
              lsp-client-packages nil          ; only the client of the configuration
              lsp-diagnostics-provider :none  ; diagnostics read from lsp-mode itself
              lsp-restart 'ignore))
      (load (getenv "EKSA_EMACS_CONFIG") nil t)
      (find-file (getenv "EKSA_EMACS_FILE"))
      (drv-put :mode (symbol-name major-mode))
      (drv-put :hook (vconcat (mapcar (lambda (f) (if (symbolp f) (symbol-name f) "lambda"))
                                      yaml-mode-hook)))
      (if (equal drv-client "eglot") (drv-eglot) (drv-lsp-mode)))
  (error (drv-put :error (format "%S" err))))
(drv-write)
(kill-emacs 0)
;;; driver.el ends here
