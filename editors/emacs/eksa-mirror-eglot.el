;;; eksa-mirror-eglot.el --- eksa-mirror language server in Emacs with eglot  -*- lexical-binding: t; -*-

;; eglot (built in since Emacs 29; Debian 12's Emacs 28: apt-get install elpa-eglot) starts
;; `eksa-mirror serve' for YAML buffers: diagnostics (with their RMxxx codes) through Flymake,
;; hover through ElDoc, completion through `completion-at-point', quick fixes with
;; `eglot-code-actions'.  Needs `eksa-mirror' on `exec-path' (pip install eksa-mirror, or the
;; standalone binary); set `eksa-mirror-command' otherwise.  See docs/editors.md.
;;
;; Use: (load "/path/to/eksa-mirror/editors/emacs/eksa-mirror-eglot.el")
;; eglot runs one server per major mode: this one replaces yaml-language-server for YAML.

;;; Code:

(require 'eglot)

(defvar eksa-mirror-command '("eksa-mirror" "serve")
  "The command that starts the eksa-mirror language server over stdio.")

(defvar eksa-mirror-initialization-options nil
  "The server's initializationOptions, a plist; nil sends none.  `workspaceTrusted' and
`credentialHosts' are read only from here, never from `eglot-workspace-configuration' (which
a project's .dir-locals.el may set): (:workspaceTrusted :json-false) never sends registry
credentials and never runs git; (:credentialHosts [\"10.0.0.5:443\"]) lets these hosts have
REGISTRY_USERNAME/REGISTRY_PASSWORD without a question.  See docs/editors.md.")

(add-to-list 'eglot-server-programs
             `((yaml-mode yaml-ts-mode)
               . ,(lambda (&rest _)
                    (append eksa-mirror-command
                            (when eksa-mirror-initialization-options
                              (list :initializationOptions
                                    eksa-mirror-initialization-options))))))

;; Server settings (section eksaMirror), as in docs/editors.md, for example:
;; (setq-default eglot-workspace-configuration
;;               '(:eksaMirror (:ignore ["RM020"] :upgradeDiff "git")))

(add-hook 'yaml-mode-hook #'eglot-ensure)
(when (fboundp 'yaml-ts-mode)
  (add-hook 'yaml-ts-mode-hook #'eglot-ensure))

(provide 'eksa-mirror-eglot)
;;; eksa-mirror-eglot.el ends here
