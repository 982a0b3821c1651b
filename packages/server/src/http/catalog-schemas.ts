import { arr, bool, int, nullable, obj, str, type Schema } from './schemas';

/** Products and SKUs as staff and shoppers see them, and the campaigns shown on a product. */
export const skuSchema: Schema = obj(
  {
    id: str(),
    name: str(),
    priceFen: int(),
    costFen: int(),
    stock: int(),
    code: str(),
    imageUrl: str(),
    specValues: arr(str()),
    weightGrams: int(),
  },
  ['id', 'priceFen', 'stock'],
);

const specsSchema: Schema = arr(obj({ name: str(), values: arr(str()) }));

export const productSchema: Schema = obj(
  {
    id: str(),
    title: str(),
    subtitle: str(),
    description: str(),
    imageUrl: str(),
    images: arr(str()),
    categoryId: nullable(str()),
    onShelf: bool,
    skus: arr(skuSchema),
    purchaseLimit: int(),
    specs: specsSchema,
    freightTemplateId: nullable(str()),
  },
  ['id', 'title', 'skus'],
);

/** A campaign as shoppers see it on a product: what plan it runs and where its rules are. */
export const publicCampaignSchema: Schema = obj(
  { id: str(), plan: str(), name: str(), title: obj({ zh: str(), en: str() }), endsAt: nullable(str()) },
  ['id', 'plan', 'name'],
);

export const publicSkuSchema: Schema = obj(
  { id: str(), name: str(), priceFen: int(), stock: int(), imageUrl: str(), specValues: arr(str()) },
  ['id', 'priceFen', 'stock'],
);
/** `plans` are the plan codes of the live campaigns covering the product (SPEC 6), `campaigns` those campaigns. */
export const publicProductSchema: Schema = {
  ...productSchema,
  properties: {
    ...(productSchema.properties as Schema),
    skus: arr(publicSkuSchema),
    plans: arr(str()),
    campaigns: arr(publicCampaignSchema),
  },
  required: ['id', 'title', 'skus', 'plans'],
};
