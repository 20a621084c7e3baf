// folio passkeys: hands the options of a form[data-passkey] to the
// browser's WebAuthn call and posts its answer back with the form.
(function () {
  "use strict";
  var forms = document.querySelectorAll("form[data-passkey]");
  var supported = window.PublicKeyCredential &&
    PublicKeyCredential.parseCreationOptionsFromJSON && PublicKeyCredential.parseRequestOptionsFromJSON;
  Array.prototype.forEach.call(forms, function (form) {
    var button = form.querySelector("[data-passkey-start]");
    var status = form.querySelector("[data-passkey-status]");
    var words = JSON.parse(form.getAttribute("data-words") || "{}");
    if (!supported) {
      status.textContent = words.passkey_unsupported;
      return;
    }
    button.hidden = false;
    status.textContent = "";
    button.addEventListener("click", function () {
      var options = JSON.parse(form.getAttribute("data-options"));
      var create = form.getAttribute("data-passkey") === "create";
      button.disabled = true;
      status.textContent = words.passkey_waiting;
      var call = create
        ? navigator.credentials.create({ publicKey: PublicKeyCredential.parseCreationOptionsFromJSON(options.publicKey) })
        : navigator.credentials.get({ publicKey: PublicKeyCredential.parseRequestOptionsFromJSON(options.publicKey) });
      call.then(function (credential) {
        form.elements.credential.value = JSON.stringify(credential.toJSON());
        form.submit();
      }, function (err) {
        button.disabled = false;
        status.textContent = words.passkey_not_used.replace("{Why}", err.name);
      });
    });
  });
})();
