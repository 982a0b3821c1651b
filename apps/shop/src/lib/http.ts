import { createApiClient } from '@mall/web-common/api-client';
import type { ShopUser } from '@mall/web-common/api-types';

// Views import the client's helpers from here, beside this app's session.
export * from '@mall/web-common/api-client';

export const { session, setSession, handleUnauthorized, api } = createApiClient<ShopUser>('mall.shop.token');
