import { addAddress, deleteAddress, listAddresses, updateAddress, type AddressInput } from '../../commerce/addresses';
import { shopperId, type RouteModule } from '../context';
import { addressSchema, bool, idParam, list, obj, shopTags } from '../schemas';
import { savedAddressSchema } from '../checkout-schemas';

const addressBody = {
  ...addressSchema,
  properties: { ...(addressSchema.properties as Record<string, unknown>), isDefault: bool },
};
const addressAnswer = { 200: obj({ address: savedAddressSchema }, ['address']) };

/** The shopper's address book (收货地址): list, add, edit, delete; one default address. */
export const shopAddressRoutes: RouteModule = async (app, ctx) => {
  const db = ctx.store.db;

  app.get(
    '/api/shop/me/addresses',
    {
      config: { errors: [] },
      schema: {
        tags: shopTags,
        summary: "The shopper's addresses, the default first",
        response: { 200: list(savedAddressSchema, false) },
      },
    },
    async (request) => ({ items: await listAddresses(db, await shopperId(ctx, request)) }),
  );

  app.post<{ Body: AddressInput }>(
    '/api/shop/me/addresses',
    {
      config: { errors: ['address_limit_reached'] },
      schema: {
        tags: shopTags,
        summary: 'Add an address (the first one, or one marked isDefault, becomes the default)',
        body: addressBody,
        response: addressAnswer,
      },
    },
    async (request) => ({ address: await addAddress(db, await shopperId(ctx, request), request.body) }),
  );

  app.put<{ Params: { id: string }; Body: AddressInput }>(
    '/api/shop/me/addresses/:id',
    {
      config: { errors: ['address_not_found'] },
      schema: {
        tags: shopTags,
        summary: 'Edit an address; isDefault true makes it the default',
        params: idParam,
        body: addressBody,
        response: addressAnswer,
      },
    },
    async (request) => ({
      address: await updateAddress(db, await shopperId(ctx, request), request.params.id, request.body),
    }),
  );

  app.delete<{ Params: { id: string } }>(
    '/api/shop/me/addresses/:id',
    {
      config: { errors: ['address_not_found'] },
      schema: {
        tags: shopTags,
        summary: 'Delete an address (deleting the default makes the newest remaining one the default)',
        params: idParam,
        response: { 200: list(savedAddressSchema, false) },
      },
    },
    async (request) => {
      const userId = await shopperId(ctx, request);
      await deleteAddress(db, userId, request.params.id);
      return { items: await listAddresses(db, userId) };
    },
  );
};
