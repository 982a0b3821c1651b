import { createApiClient } from '../../../common/api-client';
import type { ShopUser } from './types';

export {
  ApiError,
  currentLocale,
  errorMessage,
  itemsOf,
  newIdempotencyKey,
  qs,
  totalOf,
} from '../../../common/api-client';

export const { session, setSession, handleUnauthorized, api } = createApiClient<ShopUser>('mall.shop.token');
