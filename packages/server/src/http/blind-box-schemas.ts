import { arr, bool, id, int, nullable, obj, str, type Schema } from './schemas';

/** What staff and shoppers read of blind box series and their draws. */
export const blindBoxItemSchema: Schema = obj(
  { index: int(), name: str(), valueFen: int(), weight: int(), drawn: int() },
  ['index', 'name', 'valueFen', 'weight', 'drawn'],
);

export const blindBoxSeriesSchema: Schema = obj(
  {
    id: str(),
    name: str(),
    productId: str(),
    skuId: str(),
    title: str(),
    imageUrl: str(),
    priceFen: int(),
    status: str({ enum: ['draft', 'open', 'closed'] }),
    seedHash: str(),
    serverSeed: nullable(str()),
    dailyCapFen: int(),
    guarantee: str(),
    totalWeight: int(),
    draws: int(),
    items: arr(blindBoxItemSchema),
    createdAt: str(),
    openedAt: nullable(str()),
    closedAt: nullable(str()),
  },
  ['id', 'name', 'productId', 'skuId', 'status', 'seedHash', 'serverSeed', 'dailyCapFen', 'items', 'totalWeight'],
);

export const blindBoxDrawSchema: Schema = obj(
  {
    id: str(),
    seriesId: str(),
    orderId: str(),
    unit: int(),
    buyerSeed: str(),
    nonce: int(),
    digest: str(),
    itemIndex: int(),
    itemName: str(),
    itemValueFen: int(),
    drawnAt: str(),
  },
  ['id', 'seriesId', 'buyerSeed', 'nonce', 'digest', 'itemIndex'],
);

/** A draw for anyone: the order it belongs to is the shopper's business, so it is left out. */
export const publicDrawSchema: Schema = obj(
  {
    id: str(),
    seriesId: str(),
    unit: int(),
    buyerSeed: str(),
    nonce: int(),
    digest: str(),
    itemIndex: int(),
    itemName: str(),
    itemValueFen: int(),
    drawnAt: str(),
  },
  ['id', 'seriesId', 'buyerSeed', 'nonce', 'digest', 'itemIndex'],
);

export const drawCheckSchema: Schema = obj(
  {
    draw: publicDrawSchema,
    seedHash: str(),
    serverSeed: nullable(str()),
    weights: arr(int()),
    seedMatchesHash: nullable(bool),
    digestMatches: nullable(bool),
    itemMatches: nullable(bool),
  },
  ['draw', 'seedHash', 'serverSeed', 'weights', 'seedMatchesHash', 'digestMatches', 'itemMatches'],
);

export const seriesIdParam: Schema = obj({ id: id() }, ['id']);
