import {
  PRODUCT_SHEET_HEADER,
  importProducts,
  importedProductIds,
  productSheetRows,
} from '../../commerce/product-sheets';
import { SHEET_TYPES, readSheet, writeSheet, type SheetFormat } from '../../platform/spreadsheet';
import { storeImage } from '../../platform/uploads';
import { staffOf, type RouteModule } from '../context';
import { bytesOf, withRawBodies } from '../raw-body';
import { arr, bool, int, obj, sheetAnswer, str } from '../schemas';
import { answerId, staffRoute } from '../staff-route';

const uploadSchema = obj({
  id: str(),
  url: str(),
  thumbnailUrl: str(),
  mime: str(),
  bytes: int(),
  width: int(),
  height: int(),
  createdAt: str(),
});

const SHEET_LIMIT_BYTES = 10 * 1024 * 1024;

function withTooLarge<T extends { config: Record<string, unknown> }>(route: T, detail: string): T {
  return { ...route, config: { ...route.config, tooLarge: { code: 'image_too_large' as const, detail } } };
}

/** Files for the catalog: image upload (stored with a thumbnail), product export and import as CSV or XLSX. */
export const adminCatalogFileRoutes: RouteModule = async (app, ctx) => {
  const db = ctx.store.db;

  app.get<{ Querystring: { format?: SheetFormat } }>(
    '/api/admin/products/export',
    staffRoute(
      'catalog:read',
      'Every product as CSV or XLSX, one row per SKU (the import reads the same columns)',
      {
        querystring: obj({ format: str({ enum: ['csv', 'xlsx'] }) }),
      },
      sheetAnswer,
      undefined,
      [],
    ),
    async (request, reply) => {
      const format = request.query.format ?? 'csv';
      const file = await writeSheet(format, 'products', PRODUCT_SHEET_HEADER, await productSheetRows(db));
      void reply
        .header('content-type', SHEET_TYPES[format])
        .header('content-disposition', `attachment; filename="products.${format}"`)
        .header('cache-control', 'no-store');
      return file;
    },
  );

  // The limit as staff read it: megabytes with one decimal, rounded down.
  const tenths = Math.floor((ctx.uploads.limitBytes * 10) / 1_048_576);
  const limitMb = `at most ${Math.floor(tenths / 10)}${tenths % 10 === 0 ? '' : `.${tenths % 10}`} MB`;
  await withRawBodies(app, ctx.uploads.limitBytes, async (scope) => {
    scope.post(
      '/api/admin/uploads/images',
      withTooLarge(
        staffRoute(
          'catalog:write',
          'Upload an image (the request body is the file: JPEG, PNG, GIF or WebP, checked by content; at most 5 MB by default). Answers its URL and a 360-pixel thumbnail URL.',
          {},
          obj({ upload: uploadSchema }),
          { action: 'upload.image', entity: 'upload', answerTarget: answerId('upload') },
        ),
        limitMb,
      ),
      async (request) => {
        const staff = await staffOf(ctx, request);
        const upload = await storeImage(db, ctx.uploads.files, bytesOf(request.body), staff.id, ctx.uploads.limitBytes);
        return { upload };
      },
    );
  });

  await withRawBodies(app, SHEET_LIMIT_BYTES, async (scope) => {
    scope.post(
      '/api/admin/products/import',
      staffRoute(
        'catalog:write',
        "Import products from CSV or XLSX (the export's columns): rows with a product id update it, others create products; each product is saved or refused on its own",
        {},
        obj({
          created: int(),
          updated: int(),
          failed: int(),
          products: arr(
            obj({ lines: arr(int()), title: str(), ok: bool, productId: str(), code: str(), message: str() }),
          ),
        }),
        {
          action: 'product.import',
          entity: 'product',
          target: async (request) => importedProductIds(await readSheet(bytesOf(request.body)).catch(() => [])),
          answerTarget: (answer) =>
            ((answer as { products?: { productId?: string }[] }).products ?? [])
              .map((p) => p.productId)
              .filter((id): id is string => id !== undefined),
        },
      ),
      async (request) => importProducts(db, await readSheet(bytesOf(request.body))),
    );
  });
};
