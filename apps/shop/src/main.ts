import { createApp } from 'vue';
import Vant from 'vant';
import 'vant/lib/index.css';
import './style.css';
import App from './App.vue';
import { router } from './router';
import { i18n } from './lib/i18n';

// An invite link /?invite=CODE: remember the code and open the register page with it.
const params = new URLSearchParams(window.location.search);
const invite = params.get('invite');
if (invite) {
  sessionStorage.setItem('mall.shop.invite', invite);
  const clean = `${window.location.pathname}#/register?invite=${encodeURIComponent(invite)}`;
  window.history.replaceState(null, '', clean);
}

createApp(App).use(router).use(i18n).use(Vant).mount('#app');
