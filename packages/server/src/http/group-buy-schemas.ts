import { arr, bool, int, nullable, obj, str, type Schema } from './schemas';

/** The answers of the group-buy routes (shop and admin). */
export const groupBuyActivitySchema: Schema = obj(
  {
    id: str(),
    productId: str(),
    skuId: str(),
    title: str(),
    skuName: str(),
    imageUrl: str(),
    skuPriceFen: int(),
    priceFen: int(),
    groupSize: int(),
    hours: int(),
    lotteryWinners: int(),
    consolationTemplateId: nullable(str()),
    startsAt: str(),
    endsAt: str(),
    state: str({ enum: ['upcoming', 'running', 'ended', 'closed'] }),
    groupsOpen: int(),
    groupsSucceeded: int(),
    groupsFailed: int(),
  },
  ['id', 'productId', 'skuId', 'priceFen', 'groupSize', 'hours', 'lotteryWinners', 'startsAt', 'endsAt', 'state'],
);

export const groupSchema: Schema = obj(
  {
    id: str(),
    activityId: str(),
    productId: str(),
    skuId: str(),
    title: str(),
    imageUrl: str(),
    priceFen: int(),
    skuPriceFen: int(),
    size: int(),
    lotteryWinners: int(),
    status: str({ enum: ['open', 'succeeded', 'failed'] }),
    paidCount: int(),
    seatsLeft: int(),
    timeLeftMs: int(),
    openedAt: str(),
    expiresAt: str(),
    closedAt: nullable(str()),
    members: arr(
      obj({ seat: int(), name: str(), leader: bool, outcome: str(), orderId: str() }, [
        'seat',
        'name',
        'leader',
        'outcome',
        'orderId',
      ]),
    ),
    draw: obj({ seedHash: str(), serverSeed: nullable(str()), groupSeed: nullable(str()), winners: arr(str()) }, [
      'seedHash',
      'serverSeed',
      'groupSeed',
      'winners',
    ]),
    mine: nullable(obj({ orderId: str(), status: str(), orderStatus: str() }, ['orderId', 'status', 'orderStatus'])),
  },
  ['id', 'activityId', 'status', 'size', 'paidCount', 'seatsLeft', 'timeLeftMs', 'members', 'draw', 'mine'],
);
