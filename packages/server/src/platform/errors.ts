/**
 * Expected outcomes as snake_case codes. ONE table maps each code to its HTTP status and zh/en message;
 * a Failure thrown inside a transaction also rolls it back, so a refused command changes nothing.
 */
export const ERRORS = {
  invalid_request: [400, '请求参数有误', 'The request is invalid'],
  unauthorized: [401, '请先登录', 'Sign-in required'],
  invalid_credentials: [401, '账号或密码错误', 'Wrong account or password'],
  invalid_code: [401, '验证码错误或已过期', 'The code is wrong or has expired'],
  forbidden: [403, '没有权限', 'Permission denied'],
  not_found: [404, '资源不存在', 'Not found'],
  order_not_found: [404, '订单不存在', 'Order not found'],
  product_not_found: [404, '商品不存在', 'Product not found'],
  sku_not_found: [404, '规格不存在', 'SKU not found'],
  payment_not_found: [404, '支付单不存在', 'Payment not found'],
  user_not_found: [404, '用户不存在', 'User not found'],
  withdrawal_not_found: [404, '提现单不存在', 'Withdrawal not found'],
  position_not_found: [404, '持仓不存在', 'Position not found'],
  plan_not_found: [404, '营销模式不存在', 'Plan not found'],
  campaign_not_found: [404, '营销活动不存在', 'Campaign not found'],
  category_not_found: [404, '分类不存在', 'Category not found'],
  simulation_not_found: [404, '模拟任务不存在', 'Simulation not found'],
  level_not_found: [404, '会员等级不存在', 'Member level not found'],
  agent_not_found: [404, '该用户不是此区域的代理', 'This shopper is not the agent of this region'],
  phone_taken: [409, '手机号已注册', 'This phone number is already registered'],
  username_taken: [409, '用户名已存在', 'This username is taken'],
  invalid_invite_code: [422, '邀请码无效', 'Unknown invite code'],
  idempotency_key_required: [400, '缺少 Idempotency-Key 请求头', 'The Idempotency-Key header is required'],
  idempotency_key_reused: [
    422,
    '同一 Idempotency-Key 用于不同请求',
    'This Idempotency-Key was used for a different request',
  ],
  request_in_flight: [409, '相同请求正在处理中', 'The same request is still being processed'],
  out_of_stock: [409, '库存不足', 'Not enough stock'],
  product_off_shelf: [409, '商品已下架', 'The product is off the shelf'],
  order_transition_not_allowed: [409, '订单当前状态不允许此操作', 'The order cannot do this in its current state'],
  order_expired: [409, '订单已超时关闭', 'The order has expired'],
  channel_unavailable: [422, '该支付方式暂未开通', 'This payment channel is not configured'],
  insufficient_balance: [409, '余额不足', 'Insufficient balance'],
  invalid_signature: [400, '签名验证失败', 'The signature does not verify'],
  amount_mismatch: [400, '金额不一致', 'The amount does not match the payment'],
  payment_not_pending: [409, '支付单不可支付', 'The payment is not pending'],
  below_minimum: [422, '低于最低提现金额', 'Below the minimum withdrawal amount'],
  withdrawal_transition_not_allowed: [
    409,
    '提现单当前状态不允许此操作',
    'The withdrawal cannot do this in its current state',
  ],
  refund_not_open: [409, '没有待处理的退款', 'There is no open refund'],
  redeem_rejected: [422, '兑换被拒绝', 'The redemption was refused'],
  campaign_exists: [409, '营销活动编号已存在', 'A campaign with this id exists'],
  level_exists: [409, '会员等级编号已存在', 'A member level with this code exists'],
  levels_in_use: [
    409,
    '会员等级已被使用，不能再增删或调整顺序（名称和门槛仍可修改）',
    'The level ladder is in use: levels can no longer be added, removed or reordered (names and thresholds still can)',
  ],
  agent_exists: [409, '该用户已是此区域的代理', 'This shopper is already the agent of this region'],
  period_already_closed: [409, '本期已结算', 'This period is already closed'],
  campaign_ended: [409, '营销活动已结束，不可修改', 'The campaign has ended and cannot be changed'],
  campaign_transition_not_allowed: [
    409,
    '营销活动当前状态不允许此操作',
    'The campaign cannot do this in its current state',
  ],
  campaign_required: [
    422,
    '该订单在多个活动中持有积分，请指定活动',
    'The order holds positions in several campaigns: name one',
  ],
  compliance_refused: [422, '配置不符合合规要求', 'The configuration is refused by the compliance guard'],
  risk_acknowledgement_required: [
    422,
    '高风险模式需确认风险后开启',
    'High-risk plans need an explicit risk acknowledgement',
  ],
  invalid_parameter: [422, '参数不合法', 'Invalid parameter'],
  simulation_busy: [429, '已有模拟正在运行，请稍后再试', 'A simulation is already running, try again shortly'],
  rate_limited: [429, '请求过于频繁，请稍后再试', 'Too many requests, try again later'],
  account_locked: [
    429,
    '登录失败次数过多，账号已临时锁定',
    'Too many failed sign-ins: the account is locked for a while',
  ],
  code_resend_too_soon: [429, '验证码发送过于频繁，请 60 秒后再试', 'A code was sent less than a minute ago'],
  code_daily_limit: [429, '今日验证码发送次数已达上限', 'The daily limit of codes for this phone is reached'],
  sms_unavailable: [503, '短信服务未开通', 'No SMS gateway is configured'],
  too_many_unpaid_orders: [409, '待支付订单过多，请先支付或取消', 'Too many unpaid orders: pay or cancel one first'],
  purchase_limit_exceeded: [409, '超出商品限购数量', 'This exceeds the purchase limit of the product'],
  simulated_money: [
    409,
    '该提现含沙箱模拟资金，不能通过真实渠道打款',
    'This withdrawal holds simulated (sandbox) money and cannot be paid out through a real channel',
  ],
  payload_too_large: [413, '请求体过大', 'The request body is too large'],
  uri_too_long: [414, '请求地址过长', 'The request path is too long'],
  unsupported_media_type: [415, '不支持的内容类型', 'Unsupported content type'],
  internal: [500, '服务器内部错误', 'Internal server error'],
} as const satisfies Record<string, readonly [number, string, string]>;

export type ErrorCode = keyof typeof ERRORS;

export class Failure extends Error {
  constructor(
    readonly code: ErrorCode,
    readonly detail?: string,
  ) {
    super(detail ?? ERRORS[code][2]);
    this.name = 'Failure';
  }
}

export function fail(code: ErrorCode, detail?: string): never {
  throw new Failure(code, detail);
}

export function errorStatus(code: ErrorCode): number {
  return ERRORS[code][0];
}

export function errorMessage(code: ErrorCode, lang: 'zh' | 'en', detail?: string): string {
  const base = lang === 'zh' ? ERRORS[code][1] : ERRORS[code][2];
  return detail === undefined ? base : `${base}: ${detail}`;
}
