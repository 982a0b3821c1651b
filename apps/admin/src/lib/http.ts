import { createApiClient } from '../../../common/api-client';
import type { Staff } from './types';

export {
  ApiError,
  currentLocale,
  errorMessage,
  itemsOf,
  newIdempotencyKey,
  qs,
  totalOf,
} from '../../../common/api-client';

export const { session, setSession, handleUnauthorized, api } = createApiClient<Staff>('mall.admin.token');
