;;; eksa-mirror-lsp-mode.el --- eksa-mirror language server in Emacs with lsp-mode  -*- lexical-binding: t; -*-

;; lsp-mode (Debian: apt-get install elpa-lsp-mode; or from MELPA) starts `eksa-mirror serve'
;; for YAML buffers, as an add-on next to yaml-language-server when that is installed:
;; diagnostics with their RMxxx codes (Flymake or Flycheck), hover, completion and quick
;; fixes (`lsp-execute-code-action').  Needs `eksa-mirror' on `exec-path' (pip install
;; eksa-mirror, or the standalone binary); set `eksa-mirror-command' otherwise.
;; See docs/editors.md.
;;
;; Use: (load "/path/to/eksa-mirror/editors/emacs/eksa-mirror-lsp-mode.el")

;;; Code:

(require 'lsp-mode)

(defvar eksa-mirror-command '("eksa-mirror" "serve")
  "The command that starts the eksa-mirror language server over stdio.")

(defvar eksa-mirror-settings '()
  "Server settings (section eksaMirror) as a plist, e.g. (:ignore [\"RM020\"]).")

(add-to-list 'lsp-language-id-configuration '(yaml-mode . "yaml"))
(add-to-list 'lsp-language-id-configuration '(yaml-ts-mode . "yaml"))

(lsp-register-client
 (make-lsp-client
  :new-connection (lsp-stdio-connection (lambda () eksa-mirror-command))
  :activation-fn (lsp-activate-on "yaml")
  :server-id 'eksa-mirror
  :add-on? t
  :priority -1
  :initialization-options (lambda () eksa-mirror-settings)
  :initialized-fn (lambda (workspace)
                    (with-lsp-workspace workspace
                      (lsp--set-configuration
                       (list :eksaMirror eksa-mirror-settings))))))

(add-hook 'yaml-mode-hook #'lsp-deferred)
(when (fboundp 'yaml-ts-mode)
  (add-hook 'yaml-ts-mode-hook #'lsp-deferred))

(provide 'eksa-mirror-lsp-mode)
;;; eksa-mirror-lsp-mode.el ends here
