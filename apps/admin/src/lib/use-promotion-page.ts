import { computed, onMounted, reactive, ref, type Ref } from 'vue';
import { useI18n } from 'vue-i18n';
import { ElMessage, ElMessageBox } from 'element-plus';
import { api, errorMessage } from './http';
import { can } from './auth';
import { loadCatalog, type Catalog } from './promo-form';

/**
 * What every promotion page (flash sales, group buys, blind boxes, presales) does the same way: list its items,
 * pick a SKU from the catalog in a create dialog that starts from a blank form, post it, confirm before a stopping
 * action, and report failures as a message. Each page keeps its own columns, fields and body.
 */
export interface PromotionPageOptions<Form extends object> {
  /** GET answering `{items}`. */
  listPath: string;
  /** A fresh create form (new dates each time the dialog opens). */
  blank: () => Form;
  /** Loaded with the list, on every refresh (the group-buy page's groups). */
  alsoLoad?: () => Promise<void>;
}

export function usePromotionPage<Row, Form extends object>(options: PromotionPageOptions<Form>) {
  const { t } = useI18n();
  const rows = ref([]) as Ref<Row[]>;
  const catalog = ref<Catalog>({ products: [], categories: [] });
  const loading = ref(true);
  const error = ref<string | null>(null);
  const open = ref(false);
  const saving = ref(false);
  const form = reactive(options.blank());
  const writable = computed(() => can('catalog:write'));

  async function load(): Promise<void> {
    loading.value = true;
    error.value = null;
    try {
      rows.value = (await api.get<{ items: Row[] }>(options.listPath)).items;
      await options.alsoLoad?.();
    } catch (e) {
      error.value = errorMessage(e);
    } finally {
      loading.value = false;
    }
  }

  onMounted(async () => {
    await load();
    catalog.value = await loadCatalog().catch(() => catalog.value);
  });

  function create(): void {
    // A fresh blank each time: new dates, no leftovers from the last dialog.
    Object.assign(form as object, options.blank());
    open.value = true;
  }

  /** Posts the create form's body (null: the form is incomplete, `invalid` says why), then closes and reloads. */
  async function submit(path: string, body: object | null, invalid: string): Promise<void> {
    if (body === null) {
      ElMessage.error(invalid);
      return;
    }
    saving.value = true;
    try {
      await api.post(path, body);
      ElMessage.success(t('common.saved'));
      open.value = false;
      await load();
    } catch (e) {
      ElMessage.error(errorMessage(e));
    } finally {
      saving.value = false;
    }
  }

  /** Asks staff to confirm; false when they cancel. */
  async function confirmed(message: string, title: string): Promise<boolean> {
    try {
      await ElMessageBox.confirm(message, title, {
        confirmButtonText: t('common.confirm'),
        cancelButtonText: t('common.cancel'),
        type: 'warning',
      });
      return true;
    } catch {
      return false;
    }
  }

  /** Posts an action on one item (ask first when `confirm` is given), then reloads; a failure is a message. */
  async function act(path: string, confirm?: { message: string; title: string }): Promise<void> {
    if (confirm && !(await confirmed(confirm.message, confirm.title))) return;
    try {
      await api.post(path);
      await load();
    } catch (e) {
      ElMessage.error(errorMessage(e));
    }
  }

  return { t, rows, catalog, loading, error, open, saving, form, writable, load, create, submit, act };
}
