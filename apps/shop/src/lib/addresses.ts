import { reactive, watch } from 'vue';

/** The address chosen for the next checkout (an id from the address book), kept for the tab's session. */
const KEY = 'mall.shop.checkout.address';
export const chosenAddress = reactive<{ id: string | null }>({ id: sessionStorage.getItem(KEY) });
watch(
  () => chosenAddress.id,
  (id) => (id === null ? sessionStorage.removeItem(KEY) : sessionStorage.setItem(KEY, id)),
);
