import { getLayout, saveLayout, checkLayout } from '../../commerce/page-layouts';
import { staffOf, type RouteModule } from '../context';
import { anyObject, arr, int, nullable, obj, str } from '../schemas';
import { staffRoute } from '../staff-route';
import { homeSections } from '../shop/home';

const layoutBody = obj({ sections: arr(anyObject, { maxItems: 30 }), expectedVersion: int({ minimum: 0 }) }, [
  'sections',
]);
const storedSchema = obj({
  key: str(),
  layout: anyObject,
  version: int(),
  updatedAt: nullable(str()),
  updatedBy: nullable(str()),
});

/** 店铺装修: the home page's sections as the operator arranges them, a preview of a draft, and saving it live. */
export const adminDecorationRoutes: RouteModule = async (app, ctx) => {
  const db = ctx.store.db;

  app.get(
    '/api/admin/decoration/home',
    staffRoute(
      'decoration:write',
      'The home page layout (sections with typed config) and its version',
      {},
      storedSchema,
    ),
    async () => getLayout(db, 'home'),
  );

  app.post<{ Body: { sections: unknown[] } }>(
    '/api/admin/decoration/home/preview',
    staffRoute(
      'decoration:write',
      'A draft layout checked and resolved as the storefront would show it, without saving',
      { body: layoutBody },
      obj({ sections: arr(anyObject) }),
      { action: 'layout.preview', entity: null, readOnly: true },
    ),
    async (request) => ({
      sections: await homeSections(ctx, await checkLayout(db, { sections: request.body.sections })),
    }),
  );

  app.put<{ Body: { sections: unknown[]; expectedVersion?: number } }>(
    '/api/admin/decoration/home',
    staffRoute(
      'decoration:write',
      'Save the home page layout: live at once; expectedVersion refuses a save over a newer one (422 layout_invalid)',
      { body: layoutBody },
      storedSchema,
      { action: 'layout.save', entity: 'layout', target: () => 'home' },
    ),
    async (request) => {
      const staff = await staffOf(ctx, request);
      return saveLayout(
        db,
        'home',
        { sections: request.body.sections },
        `staff:${staff.username}`,
        request.body.expectedVersion,
      );
    },
  );
};
