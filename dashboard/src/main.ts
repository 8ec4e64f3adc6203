import { createApp } from 'vue';
import { createPinia } from 'pinia';
import App from './App.vue';
import { i18n, syncDocument } from './i18n.ts';
import './styles/theme.css';
import './styles/base.css';

createApp(App).use(createPinia()).use(i18n).mount('#app');
syncDocument();
