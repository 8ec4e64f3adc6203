import type { ErrorCode } from '@contracts/errors.ts';

/**
 * Chinese UI strings (default locale), in the words hall staff use (DOMAIN.md).
 * en.ts must provide the same keys: its type is derived from this object.
 * vue-i18n reserves { } @ $ | in messages; none of these strings use them.
 */
/**
 * Texts by error code. Server codes are optional on purpose: contracts/errors.ts
 * grows while the server grows, and a code without text here shows
 * errors.UNKNOWN instead of breaking the dashboard's type check.
 */
type ClientCode = 'NETWORK' | 'TIMEOUT' | 'BAD_RESPONSE' | 'UNKNOWN';
const errors = {
  HALL_ERR_BAD_JSON: '数据格式错误',
  HALL_ERR_BAD_ENVELOPE: '数据格式错误',
  HALL_ERR_UNKNOWN_TYPE: '不支持的消息类型',
  HALL_ERR_BAD_DATA: '数据内容不正确',
  HALL_ERR_TYPE_MISMATCH: '消息类型不一致',
  HALL_ERR_PAYLOAD_TOO_LARGE: '数据过大',
  HALL_ERR_TOPIC_FORBIDDEN: '无权访问该主题',
  HALL_ERR_BAD_TOPIC: '主题格式错误',
  HALL_ERR_UNKNOWN_DEVICE: '设备未注册',
  HALL_ERR_UNKNOWN_ITEM: '本大厅未提供该事项',
  HALL_ERR_QUEUE_CLOSED: '该队列暂停取号',
  HALL_ERR_BAD_REQUEST: '请求内容不正确',
  HALL_ERR_UNAUTHENTICATED: '登录已失效，请重新登录',
  HALL_ERR_BAD_CREDENTIALS: '用户名或密码错误',
  HALL_ERR_FORBIDDEN: '您没有权限查看此内容',
  HALL_ERR_NOT_FOUND: '未找到该大厅',
  HALL_ERR_CONFLICT: '数据已存在',
  HALL_ERR_INTERNAL: '服务器内部错误，请稍后重试',
  HALL_ERR_UNAVAILABLE: '服务正在启动或维护，请稍后重试',
  HALL_ERR_NOT_SUPPORTED: '当前版本暂不支持该操作',
  HALL_ERR_CONFIG: '配置项无效',
  HALL_ERR_DUPLICATE: '该消息已处理',
  NETWORK: '无法连接服务器，请检查网络',
  TIMEOUT: '服务器响应超时，请稍后重试',
  BAD_RESPONSE: '服务器返回了无法识别的数据',
  UNKNOWN: '发生未知错误',
} satisfies Partial<Record<ErrorCode, string>> & Record<ClientCode, string>;

export default {
  app: {
    title: '政务服务大厅实时指挥中心',
    subtitle: '排队叫号 · 设备运行 · 实时监控',
  },
  lang: { switchTo: 'English', current: '中文' },
  login: {
    title: '用户登录',
    username: '用户名',
    password: '密码',
    submit: '登录',
    submitting: '正在登录…',
    required: '请输入用户名和密码',
    badFormat: '用户名或密码格式不正确',
  },
  nav: { halls: '大厅列表', logout: '退出登录', back: '返回大厅列表' },
  roles: {
    sysadmin: '系统管理员',
    secadmin: '安全管理员',
    auditadmin: '审计管理员',
    leader: '领导',
    supervisor: '大厅值班长',
    staff: '窗口人员',
    reviewer: '好差评管理员',
    appointment: '预约管理员',
  },
  halls: {
    title: '我的大厅',
    loading: '正在加载大厅…',
    empty: '您暂无可查看的大厅',
    retry: '重试',
    region: '区划代码',
    level: '层级',
    items: '事项数',
    address: '地址',
    open: '进入实时监控',
  },
  levels: { city: '市级', district: '区县级', town: '乡镇级', village: '村级' },
  live: {
    title: '大厅实时监控',
    state: { live: '实时', connecting: '连接中', offline: '离线' },
    seq: '序号',
    totalWaiting: '等候人数',
    issuedToday: '今日取号',
    devicesOnline: '设备在线',
    waitingPerQueue: '各队列等候人数',
    waitingSeries: '等候',
    queues: '队列',
    queue: '队列',
    prefix: '前缀',
    waiting: '等候',
    issued: '今日取号',
    lastTicket: '最新号',
    devices: '设备',
    recentTickets: '最近取号',
    noQueues: '暂无队列',
    noDevices: '暂无设备',
    noTickets: '今日暂无取号',
    loading: '正在连接大厅…',
  },
  devices: {
    kind: { ticketer: '取号机', caller: '呼叫器', rater: '评价器', camera: '视频通道', display: '显示屏' },
    online: '在线',
    offline: '离线',
    paper: { ok: '纸张正常', low: '纸少', out: '缺纸' },
    printerFault: '打印机故障',
    readerFault: '读卡器故障',
  },
  errors,
};
