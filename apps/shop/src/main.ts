import './invite-link';
import { createApp } from 'vue';
import Vant from 'vant';
import 'vant/lib/index.css';
import './style.css';
import App from './App.vue';
import { router } from './router';
import { i18n } from './lib/i18n';

createApp(App).use(router).use(i18n).use(Vant).mount('#app');
