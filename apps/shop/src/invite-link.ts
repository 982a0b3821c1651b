// An invite link /?invite=CODE: remember the code and turn the address into the register route. This module is
// imported before the router so that the hash history starts from the rewritten address.
const params = new URLSearchParams(window.location.search);
const invite = params.get('invite');
if (invite) {
  sessionStorage.setItem('mall.shop.invite', invite);
  window.history.replaceState(null, '', `${window.location.pathname}#/register?invite=${encodeURIComponent(invite)}`);
}
export {};
