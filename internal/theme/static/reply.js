// Moves the reply form under the reply being answered. Optional: without
// scripts the Reply links load the page with the form set up instead.
(function () {
  "use strict";
  var respond = document.getElementById("respond");
  var form = document.getElementById("commentform");
  if (!respond || !form) return;
  var home = document.createComment("respond");
  respond.parentNode.insertBefore(home, respond);
  var title = document.getElementById("reply-title");
  var heading = title.firstChild.nodeValue;
  var cancel = document.getElementById("cancel-reply");
  var parent = document.getElementById("comment_parent");
  var moved = false;

  function reset() {
    home.parentNode.insertBefore(respond, home.nextSibling);
    parent.value = "0";
    title.firstChild.nodeValue = heading;
    cancel.hidden = true;
    moved = false;
  }

  document.addEventListener("click", function (e) {
    var link = e.target.closest ? e.target.closest("a.reply-link") : null;
    if (link) {
      e.preventDefault();
      var li = document.getElementById("comment-" + link.getAttribute("data-reply-to"));
      li.querySelector("article").appendChild(respond);
      parent.value = link.getAttribute("data-reply-to");
      title.firstChild.nodeValue = link.getAttribute("data-reply-label") + " ";
      cancel.hidden = false;
      moved = true;
      document.getElementById("comment").focus();
      return;
    }
    if (moved && e.target.closest && e.target.closest("#cancel-reply a")) {
      e.preventDefault();
      reset();
    }
  });
})();
